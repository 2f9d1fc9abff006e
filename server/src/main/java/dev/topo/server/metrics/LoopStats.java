package dev.topo.server.metrics;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * Counters of one event loop (or of the threads of a blocking model). When only the loop's thread writes them,
 * opaque stores suffice: no atomic read-modify-write on the per-request path, while scrapes from the admin thread
 * still see recent values. Where several threads write (offloaded handlers, thread-per-connection) the same fields
 * are updated atomically instead. Request latencies go into the loop's own {@link RequestTimes} the same way.
 */
public final class LoopStats {
    private static final VarHandle ACTIVE;
    private static final VarHandle ACCEPTED;
    private static final VarHandle REQUESTS;
    private static final VarHandle BYTES_IN;
    private static final VarHandle BYTES_OUT;
    private static final VarHandle EMPTY_WAKEUPS;
    private static final VarHandle IN_PROGRESS;

    static {
        try {
            MethodHandles.Lookup lookup = MethodHandles.lookup();
            ACTIVE = lookup.findVarHandle(LoopStats.class, "active", long.class);
            ACCEPTED = lookup.findVarHandle(LoopStats.class, "accepted", long.class);
            REQUESTS = lookup.findVarHandle(LoopStats.class, "requests", long.class);
            BYTES_IN = lookup.findVarHandle(LoopStats.class, "bytesIn", long.class);
            BYTES_OUT = lookup.findVarHandle(LoopStats.class, "bytesOut", long.class);
            EMPTY_WAKEUPS = lookup.findVarHandle(LoopStats.class, "emptyWakeups", long.class);
            IN_PROGRESS = lookup.findVarHandle(LoopStats.class, "inProgress", long.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private final ListenerStats listener;
    private final String name;
    private final boolean sharedWriters;
    private final RequestTimes times;
    @SuppressWarnings("unused") private long active;
    @SuppressWarnings("unused") private long accepted;
    @SuppressWarnings("unused") private long requests;
    @SuppressWarnings("unused") private long bytesIn;
    @SuppressWarnings("unused") private long bytesOut;
    @SuppressWarnings("unused") private long emptyWakeups;
    @SuppressWarnings("unused") private long inProgress;

    LoopStats(ListenerStats listener, String name, boolean sharedWriters) {
        this.listener = listener;
        this.name = name;
        this.sharedWriters = sharedWriters;
        this.times = new RequestTimes(sharedWriters);
    }

    public ListenerStats listener() {
        return listener;
    }

    /** The event loop's thread name, as sent in {@code X-Topo-Loop}. */
    public String name() {
        return name;
    }

    public void connectionOpened() {
        add(ACTIVE, 1);
        add(ACCEPTED, 1);
    }

    public void connectionClosed() {
        add(ACTIVE, -1);
    }

    /** A response was written {@code nanos} after its request's head was decoded. */
    /** A request was received whole and is being handled: it counts as in progress until it ends. */
    public void requestStarted() {
        add(IN_PROGRESS, 1);
    }

    public void requestEnded() {
        add(IN_PROGRESS, -1);
    }

    /** Requests received and not yet answered (or abandoned) on this loop. */
    public long requestsInProgress() {
        return (long) IN_PROGRESS.getOpaque(this);
    }

    public void requestServed(long nanos) {
        add(REQUESTS, 1);
        times.record(nanos);
    }

    RequestTimes times() {
        return times;
    }

    public void received(long bytes) {
        add(BYTES_IN, bytes);
    }

    public void sent(long bytes) {
        add(BYTES_OUT, bytes);
    }

    /** The loop woke for a listening socket and accepted nothing: another loop won the race (thundering herd). */
    public void emptyAcceptWakeup() {
        add(EMPTY_WAKEUPS, 1);
    }

    public long emptyAcceptWakeups() {
        return (long) EMPTY_WAKEUPS.getOpaque(this);
    }

    public long activeConnections() {
        return (long) ACTIVE.getOpaque(this);
    }

    public long acceptedConnections() {
        return (long) ACCEPTED.getOpaque(this);
    }

    public long requests() {
        return (long) REQUESTS.getOpaque(this);
    }

    public long bytesIn() {
        return (long) BYTES_IN.getOpaque(this);
    }

    public long bytesOut() {
        return (long) BYTES_OUT.getOpaque(this);
    }

    private void add(VarHandle field, long delta) {
        if (sharedWriters) {
            field.getAndAdd(this, delta);
        } else {
            field.setOpaque(this, (long) field.getOpaque(this) + delta);
        }
    }
}
