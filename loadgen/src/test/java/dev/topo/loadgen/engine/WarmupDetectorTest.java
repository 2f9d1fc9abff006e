package dev.topo.loadgen.engine;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The warm-up decision on made-up windows: no clock, no network. */
@Timeout(5)
class WarmupDetectorTest {

    /** Feeds one-second windows of {@code rates} (closed loop) until the detector says stop; returns how many. */
    private static int feed(WarmupDetector d, double... rates) {
        for (int i = 0; i < rates.length; i++) {
            if (d.offer(window(i + 1, 1, rates[i], 0, 0))) {
                return i + 1;
            }
        }
        return -1;
    }

    private static WarmupWindow window(int second, double seconds, double rate, double latencyUs, double lagUs) {
        return new WarmupWindow(second, second * seconds, seconds, Math.round(rate * seconds), rate, latencyUs, lagUs,
                0, 0);
    }

    @Test
    void theIssuesColdClientIsSteadyOnceTwoSecondsAgreeWithinFivePercent() {
        // The timeline of issue #18: 127k, 197k, then 211k-221k. 197k -> 211k differ by 6.6%, 211k -> 221k by 4.5%.
        WarmupDetector d = new WarmupDetector(Warmup.auto(), 0);
        assertEquals(4, feed(d, 127_000, 197_000, 211_000, 221_000, 220_000));
        WarmupReport r = d.report();
        assertEquals("auto", r.mode());
        assertEquals(4.0, r.seconds());
        assertTrue(r.steady());
        assertFalse(r.ceilingReached());
        assertEquals(10.0, r.ceilingSeconds());
        assertEquals(4, r.windows().size());
        assertEquals(127_000, r.windows().get(0).rate());
    }

    @Test
    void agreeingRatesAreNotSteadyWhileThisJvmStillCompiles() {
        WarmupDetector d = new WarmupDetector(Warmup.auto(), 0);
        // A plateau in C1's profiling code: the rates agree, but the compilers were busy for 300 ms of the second.
        assertFalse(d.offer(new WarmupWindow(1, 1, 1, 90_000, 90_000, 0, 0, 1300, 0)));
        assertFalse(d.offer(new WarmupWindow(2, 2, 1, 91_000, 91_000, 0, 0, 300, 0)));
        // C2's code is in: the rate jumps, and the compilers are nearly idle.
        assertFalse(d.offer(new WarmupWindow(3, 3, 1, 200_000, 200_000, 0, 0, 40, 0)));
        // 50 ms of a 1 s window is the most that still counts as quiet.
        assertTrue(d.offer(new WarmupWindow(4, 4, 1, 205_000, 205_000, 0, 0, 50, 0)));
        assertEquals(List.of(1300L, 300L, 40L, 50L),
                d.report().windows().stream().map(WarmupWindow::jitMillis).toList());
    }

    @Test
    void exactlyFivePercentAgreesAndJustAboveDoesNot() {
        assertEquals(2, feed(new WarmupDetector(Warmup.auto(), 0), 100_000, 95_000));
        assertEquals(3, feed(new WarmupDetector(Warmup.auto(), 0), 100_000, 94_900, 95_000));
        // Either direction: a rate that falls back is not steady either.
        assertEquals(3, feed(new WarmupDetector(Warmup.auto(), 0), 100_000, 105_500, 105_000));
    }

    @Test
    void aRateThatNeverSettlesStopsAtTheCeilingAndSaysSo() {
        WarmupDetector d = new WarmupDetector(Warmup.auto(), 0);
        double[] swinging = new double[12];
        for (int i = 0; i < swinging.length; i++) {
            swinging[i] = i % 2 == 0 ? 100_000 : 120_000;
        }
        assertEquals(10, feed(d, swinging));
        WarmupReport r = d.report();
        assertEquals(10.0, r.seconds());
        assertFalse(r.steady());
        assertTrue(r.ceilingReached());
        assertThrows(IllegalStateException.class, () -> d.offer(window(11, 1, 100_000, 0, 0)));
    }

    @Test
    void aCeilingOfItsOwnIsObeyed() {
        WarmupDetector d = new WarmupDetector(new Warmup(true, Duration.ofSeconds(3)), 0);
        assertEquals(3, feed(d, 10_000, 20_000, 40_000, 80_000));
        assertTrue(d.report().ceilingReached());
        assertEquals(3.0, d.report().ceilingSeconds());
    }

    @Test
    void lowRatesAgreeWithinTheirCountingNoise() {
        // 95 vs 110 responses differ by 14%, but two square roots of 110 are 21: counting, not warming.
        assertEquals(2, feed(new WarmupDetector(Warmup.auto(), 0), 95, 110));
        // At 100k a difference of 14% is far outside the noise (~630).
        assertEquals(-1, feed(new WarmupDetector(Warmup.auto(), 0), 95_000, 110_000));
        // A stalled target (nothing answered) is as steady as it will get: no point waiting 10 s.
        assertEquals(2, feed(new WarmupDetector(Warmup.auto(), 0), 0, 0));
    }

    @Test
    void openLoopWaitsUntilTheScheduleIsKeptAndTheSendLagSettles() {
        WarmupDetector d = new WarmupDetector(Warmup.auto(), 20_000);
        // Cold: behind the schedule (the rate agrees with nothing yet), requests going out late.
        assertFalse(d.offer(window(1, 1, 14_000, 900, 700)));
        // On schedule, but the lag is still falling fast: 400 us -> 120 us is more than 5% of a 200 us latency.
        assertFalse(d.offer(window(2, 1, 20_100, 500, 400)));
        assertFalse(d.offer(window(3, 1, 19_950, 200, 120)));
        // 120 us -> 100 us: within the 50 us timer-noise floor. Steady.
        assertTrue(d.offer(window(4, 1, 20_000, 190, 100)));
        assertTrue(d.report().steady());
        assertEquals(4.0, d.report().seconds());
    }

    @Test
    void openLoopWithTheLagMovingMoreThanFivePercentOfALongLatencyIsNotSteady() {
        // 10 ms latency: 5% is 500 us, so a lag change of 600 us matters and one of 400 us does not.
        WarmupDetector d = new WarmupDetector(Warmup.auto(), 1_000);
        assertFalse(d.offer(window(1, 1, 1_000, 10_000, 1_000)));
        assertFalse(d.offer(window(2, 1, 1_000, 10_000, 400)));
        assertTrue(d.offer(window(3, 1, 1_000, 10_000, 0)));
    }

    @Test
    void openLoopAgainstAServerThatCannotKeepUpIsNeverSteady() {
        // The same achieved rate every second, but 25% under the offered one: the server's queue grows.
        WarmupDetector d = new WarmupDetector(Warmup.auto(), 20_000);
        int n = 0;
        while (!d.offer(window(++n, 1, 15_000, 50_000, 10))) {
            assertTrue(n < 10);
        }
        assertEquals(10, n);
        assertTrue(d.report().ceilingReached());
    }

    @Test
    void aFixedWarmupRunsItsFullLengthAndTellsWhetherItWasEnough() {
        WarmupDetector d = new WarmupDetector(Warmup.fixed(Duration.ofMillis(2500)), 0);
        assertEquals(2.5, d.limitSeconds());
        // Steady after two windows, but a fixed warm-up does not end early.
        assertFalse(d.offer(window(1, 1, 100_000, 0, 0)));
        assertFalse(d.offer(window(2, 1, 100_000, 0, 0)));
        assertTrue(d.offer(new WarmupWindow(3, 2.5, 0.5, 50_000, 100_000, 0, 0, 0, 0)));
        WarmupReport r = d.report();
        assertEquals("fixed", r.mode());
        assertEquals(2.5, r.seconds());
        assertTrue(r.steady(), "the last two windows agreed: the fixed length was enough");
        assertFalse(r.ceilingReached());
        assertEquals(0.0, r.ceilingSeconds());
    }

    @Test
    void noWarmupReportsNone() {
        assertSame(WarmupReport.NONE, new WarmupDetector(Warmup.NONE, 0).report());
        assertEquals("none", WarmupReport.NONE.mode());
    }

    @Test
    void badWarmupsAreRefusedInTheEnginesWords() {
        InvalidValueException e = assertThrows(InvalidValueException.class,
                () -> Warmup.fixed(Duration.ofSeconds(-1)));
        assertEquals("warmup: -1s (expected: >= 0)", e.getMessage());
        e = assertThrows(InvalidValueException.class, () -> new Warmup(true, Duration.ZERO));
        assertEquals("warmup: auto with a ceiling of 0s (expected: a ceiling > 0)", e.getMessage());
        assertEquals("auto", Warmup.auto().label());
        assertEquals("500ms", Warmup.fixed(Duration.ofMillis(500)).label());
        assertTrue(Warmup.fixed(Duration.ZERO).isNone());
    }
}
