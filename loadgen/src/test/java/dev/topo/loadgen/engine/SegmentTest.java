package dev.topo.loadgen.engine;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** How a test is split into parts: plain arithmetic, no network. */
@Timeout(5)
class SegmentTest {

    private static final long START = 7_000_000_000L;
    private static final long HORIZON = START + 2_000_000_000L;

    /** Every due time before {@link #HORIZON} of one thread's open-loop schedule. */
    private static List<Long> dueTimes(double rate, int slot, int slots) {
        OpenLoopSchedule s = (OpenLoopSchedule) Schedule.of(rate, slot, slots);
        s.start(START);
        List<Long> due = new ArrayList<>();
        while (s.isDue(HORIZON)) {
            due.add(s.take());
        }
        return due;
    }

    @Test
    void theUnionOfThePartsSchedulesIsTheSingleSchedule() {
        // An odd rate, so that due times are truncated fractions: a part with its own rate of 1234.5 / 3 would not
        // land on the same nanoseconds.
        double rate = 1234.5;
        List<Long> single = dueTimes(rate, 0, 1);
        for (int parts : new int[]{2, 3, 7}) {
            for (int threads : new int[]{1, 2, 3}) {
                List<Long> union = new ArrayList<>();
                for (int i = 0; i < parts; i++) {
                    Segment segment = new Segment(i, parts);
                    List<Long> part = new ArrayList<>();
                    for (int t = 0; t < threads; t++) {
                        part.addAll(dueTimes(rate, segment.slot(t), segment.slots(threads)));
                    }
                    // Each part sends its share: within one request of 1/N of the whole.
                    assertTrue(Math.abs(part.size() - single.size() / (double) parts) <= 1,
                            parts + " parts, part " + i + ": " + part.size() + " of " + single.size());
                    union.addAll(part);
                }
                assertEquals(union.size(), new HashSet<>(union).size(), "a request sent twice");
                union.sort(null);
                assertEquals(single, union, parts + " parts of " + threads + " threads");
            }
        }
        // Requests 0 to 2469: the last one is due at exactly 2 s (2469 / 1234.5), the horizon, and taken.
        assertEquals(2470, single.size(), "1234.5 req/s for 2 s");
    }

    @Test
    void partIHasTheGlobalRequestsCongruentToIModN() {
        Segment second = new Segment(1, 3);
        OpenLoopSchedule s = (OpenLoopSchedule) Schedule.of(1000, second.slot(0), second.slots(1));
        s.start(0);
        // Requests 1, 4, 7 of the one schedule at 1000 req/s: 1 ms, 4 ms, 7 ms.
        assertEquals(List.of(1_000_000L, 4_000_000L, 7_000_000L), List.of(s.take(), s.take(), s.take()));
    }

    @Test
    void sharesOfCountsAddUpToTheWhole() {
        int[] shares = new int[3];
        for (int i = 0; i < 3; i++) {
            shares[i] = new Segment(i, 3).share(10);
        }
        assertEquals(List.of(4, 3, 3), List.of(shares[0], shares[1], shares[2]));
        assertEquals(500.0, new Segment(2, 4).share(2000.0));
        assertEquals(10, Segment.WHOLE.share(10));
    }

    @Test
    void aBadSegmentSaysWhatWasExpected() {
        assertEquals(new Segment(2, 5), Segment.parse(" 2/5 "));
        for (String bad : new String[]{"3/3", "-1/3", "1/0", "1", "a/b", "1/", "/3", ""}) {
            InvalidValueException e = assertThrows(InvalidValueException.class, () -> Segment.parse(bad), bad);
            assertTrue(e.getMessage().startsWith("segment: '") && e.getMessage().endsWith(
                    "(expected: I/N with N >= 1 and 0 <= I < N, as 0/3)"), e.getMessage());
        }
        InvalidValueException few = assertThrows(InvalidValueException.class, () -> LoadSpec.builder(
                Target.parse("http://127.0.0.1:1/")).connections(5).threads(2).segment(new Segment(0, 3)).build());
        assertEquals("connections: 5 (expected: >= 6, a connection per thread in each of 3 parts)",
                few.getMessage());
    }
}
