package dev.topo.loadgen.engine;

/**
 * When one event loop thread's requests go out. The closed loop sends the next request as soon as a connection can
 * take one, so the server's speed sets the rate; the open loop follows one global clock whatever the server does,
 * so a slow server shows as latency (measured from each request's due time) rather than as a lower rate.
 *
 * <p>The worker and its {@link ConnectionPolicy} ask the schedule what to do with capacity that has come free: a
 * keep-alive connection that can take a request, or per-request connection slots. These calls run on the worker's
 * event loop; the open loop's clock arithmetic is plain and unit-tested on its own.
 */
sealed interface Schedule permits ClosedLoopSchedule, OpenLoopSchedule {

    /** The open loop at {@code rate} requests per second over all threads, or the closed loop when it is 0. */
    static Schedule of(double rate, int thread, int threads) {
        return rate > 0 ? new OpenLoopSchedule(rate, thread, threads) : new ClosedLoopSchedule();
    }

    /** The run starts at {@code startNanos}: the open loop's request 0 is due then. */
    void start(long startNanos);

    /** A keep-alive connection can take requests at {@code now}: it has connected, or a response came back. */
    void onReady(Worker w, Connection c, long now);

    /**
     * Per-request connection slots have come free: all of the thread's share at the start, one when a connection
     * closes. The closed loop opens a connection for each at once; the open loop sends what is due and arms its
     * timer for the next request. Keep-alive calls this with 0 slots once its connections are opening, so that the
     * open loop's clock starts.
     */
    void fill(Worker w, int freeSlots);

    /** A per-request connection could not connect, and its request with it. */
    void onConnectFailed(Worker w, Connection c);

    /** Where the latency of a per-request connection's request starts. */
    long latencyOrigin(Connection c);

    /**
     * The measured window starts now, on the worker's loop, and ends at {@code endNanos}: the open loop sends
     * nothing due after it, and counts from here what it owes.
     */
    void beginMeasurement(long endNanos);

    /**
     * The run is ending at {@code now}: no request goes out any more. The open loop counts the requests due in the
     * window it never sent, and records them.
     */
    void stop(Worker w, long endNanos, long now);
}
