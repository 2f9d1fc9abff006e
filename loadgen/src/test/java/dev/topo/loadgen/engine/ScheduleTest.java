package dev.topo.loadgen.engine;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The open loop's clock, with figures worked out by hand: no network, no event loop. */
@Timeout(5)
class ScheduleTest {

    private static final long MS = 1_000_000;
    private static final long START = 5_000 * MS;

    private static OpenLoopSchedule open(double rate, int thread, int threads) {
        OpenLoopSchedule s = new OpenLoopSchedule(rate, thread, threads);
        s.start(START);
        return s;
    }

    /** Takes every request due at {@code now}, returning their due times relative to the start. */
    private static List<Long> drain(OpenLoopSchedule s, long now) {
        List<Long> due = new ArrayList<>();
        while (s.isDue(now)) {
            due.add(s.take() - START);
        }
        return due;
    }

    @Test
    void requestIIsDueAtStartPlusIOverRate() {
        OpenLoopSchedule s = open(1000, 0, 1);
        assertEquals(START, s.dueTime(0));
        assertEquals(START + MS, s.dueTime(1));
        assertEquals(START + 999 * MS, s.dueTime(999));
        assertEquals(START + 1000 * MS, s.dueTime(1000));
        // 1e9 / 1500 = 666666.67 ns: each due time is truncated on its own, so the error never accumulates.
        OpenLoopSchedule odd = open(1500, 0, 1);
        assertEquals(START + 666_666, odd.dueTime(1));
        assertEquals(START + 1_333_333, odd.dueTime(2));
        assertEquals(START + 2_000_000, odd.dueTime(3));
        // 7 per second: request 7 falls exactly on the next second, not 7 truncations early.
        OpenLoopSchedule seven = open(7, 0, 1);
        assertEquals(START + 142_857_142, seven.dueTime(1));
        assertEquals(START + 1_000_000_000, seven.dueTime(7));
    }

    @Test
    void whatIsDueAtAnInstantIsEverythingUpToIt() {
        OpenLoopSchedule s = open(1000, 0, 1);
        assertFalse(s.isDue(START - 1), "nothing before the start");
        assertEquals(List.of(0L), drain(s, START));
        assertEquals(List.of(), drain(s, START + MS - 1));
        assertEquals(MS, s.nanosUntilNext(START));
        // A thread that was busy for 2.5 ms finds three requests due at once, each with its own due time.
        assertEquals(List.of(MS, 2 * MS, 3 * MS), drain(s, START + 3 * MS + MS / 2));
        assertEquals(MS / 2, s.nanosUntilNext(START + 3 * MS + MS / 2));
        // Late: the next one is already due, so no wait.
        assertEquals(0, s.nanosUntilNext(START + 10 * MS));
        assertEquals(7, drain(s, START + 10 * MS).size(), "4 ms .. 10 ms");
    }

    @Test
    void threadsShareOneScheduleByIndex() {
        // Thread 1 of 3 at 1000/s sends requests 1, 4, 7, ...: a third of the rate, offset by 1 ms.
        OpenLoopSchedule t1 = open(1000, 1, 3);
        assertFalse(t1.isDue(START), "request 0 is thread 0's");
        assertEquals(MS, t1.nanosUntilNext(START));
        assertEquals(List.of(MS, 4 * MS, 7 * MS, 10 * MS), drain(t1, START + 10 * MS));
        assertEquals(13 * MS, t1.take() - START);
    }

    @Test
    void overASecondTheThreadsTogetherSendTheRateEachRequestOnce() {
        int threads = 4;
        List<Long> all = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            List<Long> mine = drain(open(1000, t, threads), START + 1000 * MS - 1);
            assertEquals(250, mine.size(), "thread " + t);
            all.addAll(mine);
        }
        assertEquals(1000, all.size());
        TreeSet<Long> distinct = new TreeSet<>(all);
        assertEquals(1000, distinct.size(), "no request sent twice");
        assertEquals(0, distinct.first());
        assertEquals(999 * MS, distinct.last());
    }

    @Test
    void rateZeroIsTheClosedLoop() {
        assertInstanceOf(ClosedLoopSchedule.class, Schedule.of(0, 0, 1));
        assertInstanceOf(OpenLoopSchedule.class, Schedule.of(0.5, 0, 1));
        // Half a request per second: the second one is due two seconds in.
        OpenLoopSchedule slow = open(0.5, 0, 1);
        assertTrue(slow.isDue(START));
        slow.take();
        assertEquals(2_000 * MS, slow.nanosUntilNext(START));
    }
}
