package dev.topo.loadgen.engine;

import io.netty.util.concurrent.ScheduledFuture;

import java.util.concurrent.TimeUnit;

/**
 * The open loop: one global schedule at {@code rate} requests per second, request {@code i} due at
 * {@code start + i / rate} whatever the server does. The threads share it by index: thread {@code k} of {@code n}
 * sends requests {@code k, k + n, k + 2n, ...}, so together they follow the one schedule and none of them needs to
 * know of the others.
 *
 * <p>A due request that finds no free connection (keep-alive) or no free slot (per-request) waits, and that wait
 * is counted as blocked time; its latency still runs from its due time. The timer is armed for the next due
 * request only while nothing waits: a free connection or slot sends the waiting requests at once.
 */
final class OpenLoopSchedule implements Schedule {

    private final double nanosPerRequest;
    private final int stride;
    private long start;
    /** Global index of this thread's next request. */
    private long next;
    /** Nothing due at or after this goes out: the end of the measured window, once it is known. */
    private long end = Long.MAX_VALUE;
    /** {@link #next} when the measured window started: the requests due before it and sent after it count in it. */
    private long nextAtMeasurement;

    private boolean blocked;
    private boolean tickScheduled;
    private ScheduledFuture<?> tickFuture;
    /** Created on the first pump, which knows the worker; reused for every tick so that a tick allocates nothing. */
    private Runnable tick;

    OpenLoopSchedule(double rate, int thread, int threads) {
        this.nanosPerRequest = 1e9 / rate;
        this.stride = threads;
        this.next = thread;
    }

    @Override
    public void start(long startNanos) {
        start = startNanos;
    }

    // ---- the clock ----

    /** When global request {@code index} is due. */
    long dueTime(long index) {
        return start + (long) (index * nanosPerRequest);
    }

    /** Whether this thread's next request is due at {@code now}, and inside the run. */
    boolean isDue(long now) {
        long due = dueTime(next);
        return due <= now && due < end;
    }

    /** Takes this thread's next request and returns its due time. */
    long take() {
        long due = dueTime(next);
        next += stride;
        return due;
    }

    /** How long until this thread's next request is due; 0 when it already is. */
    long nanosUntilNext(long now) {
        return Math.max(0, dueTime(next) - now);
    }

    // ---- sending ----

    /** Sends every request that is due and has somewhere to go, then arms the timer for the next one. */
    void pump(Worker w, long now) {
        ConnectionPolicy policy = w.policy;
        while (!w.stopping && isDue(now)) {
            if (!policy.canSend(w)) {
                blocked = true;
                return;
            }
            long due = take();
            if (blocked && !w.forced) {
                w.stats.recordBlocked(now - due);
            }
            policy.send(w, due, now);
        }
        blocked = false;
        if (!w.stopping && !tickScheduled && dueTime(next) < end) {
            if (tick == null) {
                tick = () -> {
                    tickScheduled = false;
                    pump(w, System.nanoTime());
                };
            }
            tickScheduled = true;
            tickFuture = w.loop.schedule(tick, nanosUntilNext(now), TimeUnit.NANOSECONDS);
        }
    }

    @Override
    public void onReady(Worker w, Connection c, long now) {
        w.offerIdle(c);
        pump(w, now);
    }

    @Override
    public void fill(Worker w, int freeSlots) {
        pump(w, System.nanoTime());
    }

    /** The request the connection was opened for has failed; its slot goes to the next request due. */
    @Override
    public void onConnectFailed(Worker w, Connection c) {
        pump(w, System.nanoTime());
    }

    @Override
    public long latencyOrigin(Connection c) {
        return c.intended;
    }

    @Override
    public void beginMeasurement(long endNanos) {
        end = endNanos;
        nextAtMeasurement = next;
    }

    /**
     * Takes every request due before {@code endNanos} that is still unsent (the backlog of a server or a client that
     * fell behind) as dropped, each recorded at the time it has waited; then the window's figures: scheduled =
     * sent + dropped, by this thread's share of the one schedule.
     */
    @Override
    public void stop(Worker w, long endNanos, long now) {
        if (tickFuture != null) {
            tickFuture.cancel(false);
        }
        long limit = Math.min(end, endNanos);
        while (dueTime(next) < limit) {
            w.stats.recordDropped(now - take());
        }
        w.stats.add(WorkerStats.SCHEDULED, scheduledSince(nextAtMeasurement));
    }

    /** This thread's requests taken since its global index was {@code from}. */
    long scheduledSince(long from) {
        return (next - from) / stride;
    }
}
