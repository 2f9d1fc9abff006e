package dev.topo.loadgen.engine;

/**
 * The closed loop: every connection (or connection slot) carries a request whenever it can, so the next request
 * follows the previous response. A request's latency runs from its send, or from its connect in per-request mode,
 * where the connect is part of what the request waits for.
 */
final class ClosedLoopSchedule implements Schedule {

    @Override
    public void start(long startNanos) {
        // Nothing is due by the clock.
    }

    /** Fills the connection's pipeline: all of it when it has just connected, one request after a response. */
    @Override
    public void onReady(Worker w, Connection c, long now) {
        while (c.inFlight() < w.pipeline) {
            c.send(Connection.AT_FLUSH);
        }
    }

    @Override
    public void fill(Worker w, int freeSlots) {
        for (int i = 0; i < freeSlots; i++) {
            w.openConnection(0);
        }
    }

    /** Retries, after a pause when the connect failed, so that a dead target does not spin the CPU. */
    @Override
    public void onConnectFailed(Worker w, Connection c) {
        w.reconnect(c);
    }

    @Override
    public long latencyOrigin(Connection c) {
        return c.connectStart;
    }

    @Override
    public void beginMeasurement(long endNanos) {
        // Nothing is owed by the clock.
    }

    @Override
    public void stop(Worker w, long endNanos, long now) {
        // No timer to cancel, nothing due.
    }
}
