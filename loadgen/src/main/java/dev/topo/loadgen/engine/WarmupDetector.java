package dev.topo.loadgen.engine;

import java.util.ArrayList;
import java.util.List;

/**
 * Decides when a warm-up is over, one window (normally a second) at a time, and what is reported of it. Pure: no
 * clock and no network; the engine feeds it the counts of each window and stops warming up when it says so.
 *
 * <p>Closed loop: the rate is what the client and the server manage together, so a cold client (interpreted code,
 * JIT compiler threads on its CPU) shows as a lower rate. Steady is two consecutive windows whose rates agree
 * within {@link #TOLERANCE}.
 *
 * <p>Open loop: the rate is the schedule's, so windows agree from the first second whatever the client's state.
 * What a cold client cannot hide is falling behind its schedule: fewer responses than requests due, and requests
 * that go out late (a late timer, a busy loop, no free connection). Steady is two consecutive windows that both
 * kept the schedule within {@link #TOLERANCE} and whose mean send lag changed by less than {@link #TOLERANCE} of the
 * mean latency (so the client's lag moves the reported latency by less than that), or by less than
 * {@link #LAG_FLOOR_US}, below which a change is timer noise. A server that cannot keep up with the rate never
 * looks steady, rightly: its queue grows. The ceiling then ends the warm-up and the report says so.
 *
 * <p>Either loop: rates can also pause on a plateau while this JVM's JIT still compiles (C1's profiling code before
 * C2's replaces it), so a second that agrees with the one before is only steady if this JVM's compilers spent at
 * most {@link #TOLERANCE} of it compiling: the client's code is what it will be. That part judges the client only;
 * a server warming up shows in the rates.
 *
 * <p>At low rates a window holds few responses, and counting alone moves the rate by about its square root: rates
 * within {@link #NOISE_SIGMAS} square roots of the count also agree, so that a 100 req/s run is not held to 5 req/s
 * and kept at the ceiling. On a machine that others load, rates swing by more than 5% whatever the client does; the
 * warm-up then runs to its ceiling and says so, rather than call a swinging rate steady.
 */
final class WarmupDetector {

    /** Two windows agree when they differ by at most this share. */
    static final double TOLERANCE = 0.05;
    /** Counting noise allowed, in square roots of a window's count. */
    static final double NOISE_SIGMAS = 2;
    /** Linux's default timer slack: a warm client's timer wake-ups are late by up to this much anyway. */
    static final double LAG_FLOOR_US = 50;
    /** Window ends are computed from nanoseconds; this absorbs the rounding when comparing with the limit. */
    private static final double EPSILON = 1e-6;

    private final Warmup warmup;
    private final double offeredRate;
    private final List<WarmupWindow> windows = new ArrayList<>();
    private boolean steady;
    private boolean over;

    /** {@code offeredRate}: the open loop's requests per second, 0 for a closed loop. */
    WarmupDetector(Warmup warmup, double offeredRate) {
        this.warmup = warmup;
        this.offeredRate = offeredRate;
    }

    /** Seconds after the start at which the warm-up ends at the latest: its fixed length, or the auto ceiling. */
    double limitSeconds() {
        return warmup.length().toNanos() / 1e9;
    }

    /** Takes the next window; true when the warm-up is over (steady in auto mode, or at the limit). */
    boolean offer(WarmupWindow window) {
        if (over) {
            throw new IllegalStateException("the warm-up is already over");
        }
        WarmupWindow previous = windows.isEmpty() ? null : windows.get(windows.size() - 1);
        windows.add(window);
        steady = previous != null && steady(previous, window);
        over = (warmup.untilSteady() && steady) || window.elapsedSeconds() >= limitSeconds() - EPSILON;
        return over;
    }

    WarmupReport report() {
        if (warmup.isNone()) {
            return WarmupReport.NONE;
        }
        double seconds = windows.isEmpty() ? 0 : windows.get(windows.size() - 1).elapsedSeconds();
        boolean auto = warmup.untilSteady();
        return new WarmupReport(auto ? "auto" : "fixed", seconds, steady, auto && over && !steady,
                auto ? limitSeconds() : 0, windows);
    }

    private boolean steady(WarmupWindow a, WarmupWindow b) {
        if (b.jitMillis() > TOLERANCE * b.intervalSeconds() * 1000) {
            return false;
        }
        if (offeredRate > 0) {
            return keepsSchedule(a) && keepsSchedule(b) && lagSettled(a, b);
        }
        double noise = NOISE_SIGMAS * Math.sqrt(Math.max(a.requests(), b.requests()))
                / Math.min(a.intervalSeconds(), b.intervalSeconds());
        return within(a.rate(), b.rate(), Math.max(a.rate(), b.rate()), noise);
    }

    private boolean keepsSchedule(WarmupWindow w) {
        double noise = NOISE_SIGMAS * Math.sqrt(offeredRate * w.intervalSeconds()) / w.intervalSeconds();
        return within(w.rate(), offeredRate, offeredRate, noise);
    }

    private static boolean lagSettled(WarmupWindow a, WarmupWindow b) {
        return Math.abs(b.sendLagUs() - a.sendLagUs()) <= Math.max(TOLERANCE * b.meanLatencyUs(), LAG_FLOOR_US);
    }

    /** |x - y| within {@link #TOLERANCE} of {@code reference}, or within {@code noise}. */
    private static boolean within(double x, double y, double reference, double noise) {
        return Math.abs(x - y) <= Math.max(TOLERANCE * reference, noise);
    }
}
