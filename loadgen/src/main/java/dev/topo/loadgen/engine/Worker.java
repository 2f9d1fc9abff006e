package dev.topo.loadgen.engine;

import io.netty.bootstrap.Bootstrap;
import io.netty.channel.ChannelFuture;
import io.netty.channel.EventLoop;
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.Promise;
import io.netty.util.concurrent.ScheduledFuture;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The load of one event loop thread: its share of the connections and of the schedule. The worker keeps the
 * mechanics (connecting, connection slots, idle connections, timeouts, stopping); its {@link ConnectionPolicy}
 * decides what a connection does, and its {@link Schedule} when requests go out. Every method runs on
 * {@link #loop}, except the constructor and the accessors the engine reads through {@link #stats}.
 */
final class Worker {

    /** After a failed connect, wait this long before retrying, so a dead target does not spin the CPU. */
    private static final long RECONNECT_BACKOFF_NANOS = TimeUnit.MILLISECONDS.toNanos(10);

    final EventLoop loop;
    final WorkerStats stats;
    final RequestTemplate request;
    /** Requests this thread has sent, warm-up included: the index that picks the mixed-in ones. */
    long requestsSent;
    final int pipeline;
    /** This thread's share of the connections: at most this many are open, connecting or waiting to connect. */
    final int share;
    final ConnectionPolicy policy;
    /** A connection per request: a connection that fails before its request is sent loses that request. */
    final boolean perRequest;
    final Schedule schedule;
    private final LoadSpec spec;
    private final Bootstrap bootstrap;
    private final InetSocketAddress remote;
    private final List<InetAddress> sources;
    private final ConnectRateLimiter limiter;
    private final long timeoutNanos;
    private final List<Connection> connections = new ArrayList<>();
    /** Keep-alive connections that can take another request, for the open loop's next due one. */
    private final ArrayDeque<Connection> idle = new ArrayDeque<>();
    /** Connects waiting for their connect-rate slot, in the order they run (the slots only move forward). */
    private final ArrayDeque<DelayedConnect> delayedConnects = new ArrayDeque<>();
    private final Promise<Void> drained;

    /** Connections counted against {@link #share}: open, connecting, or waiting for a connect slot. */
    int slotsInUse;
    private int nextSource;
    boolean stopping;
    /** The run is over: close everything and count nothing more. */
    boolean forced;
    private ScheduledFuture<?> timeoutScan;

    /** {@code index} is this thread's place among the spec's threads: its first source address and schedule slot. */
    Worker(EventLoop loop, int index, int share, LoadSpec spec, ConnectionPolicy policy, Bootstrap bootstrap,
           InetSocketAddress remote, ConnectRateLimiter limiter, RequestTemplate request) {
        this.loop = loop;
        this.spec = spec;
        this.policy = policy;
        this.perRequest = policy instanceof PerRequestPolicy;
        this.schedule = Schedule.of(spec.rate(), spec.segment().slot(index), spec.segment().slots(spec.threads()));
        this.stats = new WorkerStats(spec.openLoop());
        this.bootstrap = bootstrap;
        this.remote = remote;
        this.sources = spec.sourceAddresses();
        this.limiter = limiter;
        this.request = request;
        this.share = share;
        this.pipeline = spec.pipeline();
        this.timeoutNanos = spec.timeout().toNanos();
        this.nextSource = index;
        this.drained = loop.newPromise();
    }

    ResponseParser newParser() {
        return spec.target().isHttp()
                ? new HttpResponseParser(spec.method().equals("HEAD"))
                : new EchoResponseParser(spec.body());
    }

    /** The measured window starts now and ends at {@code endNanos}; runs on {@link #loop}. */
    void beginMeasurement(long endNanos) {
        schedule.beginMeasurement(endNanos);
    }

    void start(long startNanos) {
        long scan = Math.max(TimeUnit.MILLISECONDS.toNanos(5), Math.min(timeoutNanos / 10,
                TimeUnit.MILLISECONDS.toNanos(100)));
        timeoutScan = loop.scheduleAtFixedRate(this::scanTimeouts, scan, scan, TimeUnit.NANOSECONDS);
        schedule.start(startNanos);
        policy.start(this);
    }

    // ---- connections ----

    /**
     * Takes a slot and connects, after waiting for a connect-rate slot if there is a cap. {@code intended} is the
     * due time of the request a per-request connection is opened for in open loop, 0 otherwise.
     */
    void openConnection(long intended) {
        slotsInUse++;
        long wait = limiter == null ? 0 : limiter.reserve(System.nanoTime());
        if (wait > 0) {
            DelayedConnect d = new DelayedConnect(intended);
            delayedConnects.addLast(d);
            d.future = loop.schedule(d, wait, TimeUnit.NANOSECONDS);
        } else {
            connectNow(intended);
        }
    }

    /** A connect waiting for its slot under the connect-rate cap; {@link #stop} cancels those still waiting. */
    private final class DelayedConnect implements Runnable {
        private final long intended;
        private ScheduledFuture<?> future;

        DelayedConnect(long intended) {
            this.intended = intended;
        }

        @Override
        public void run() {
            delayedConnects.remove(this);
            connectNow(intended);
        }
    }

    /** Never runs once the run stops: nothing opens a connection then, and {@link #stop} cancels delayed ones. */
    private void connectNow(long intended) {
        long now = System.nanoTime();
        if (intended != 0) {
            // An open loop's request goes out with its connect: after the wait for a connect-rate slot, if any.
            stats.recordSendLag(now - intended);
        }
        Connection c = new Connection(this, now, intended);
        add(c);
        // The bootstrap is confined to this loop, so swapping its handler per connect is safe and saves a clone.
        bootstrap.handler(c);
        ChannelFuture f;
        if (sources.isEmpty()) {
            f = bootstrap.connect(remote);
        } else {
            InetAddress local = sources.get(nextSource++ % sources.size());
            f = bootstrap.connect(remote, new InetSocketAddress(local, 0));
        }
        c.channel = f.channel();
        f.addListener(c);
    }

    void onActive(Connection c, long now) {
        // In per-request mode a connection opened in the window is its request in flight (its latency runs from the
        // connect, or from the due time in open loop): the drain lets it go out and complete like any other. Only
        // keep-alive connections that reopen while the run stops carry nothing and close.
        if (stopping && (!perRequest || forced)) {
            c.ctx.close();
            return;
        }
        policy.onActive(this, c, now);
    }

    void onResponse(Connection c, long now) {
        policy.onResponse(this, c, now);
    }

    void onClosed(Connection c) {
        if (release(c)) {
            policy.onClosed(this, c);
        }
    }

    void onConnectFailed(Connection c) {
        if (release(c)) {
            policy.onConnectFailed(this, c);
        }
    }

    /** Frees {@code c}'s slot; false when the run is ending and the slot must not be used again. */
    private boolean release(Connection c) {
        remove(c);
        slotsInUse--;
        if (forced) {
            return false;
        }
        if (stopping) {
            checkDrained();
            return false;
        }
        return true;
    }

    /** Opens a connection in place of {@code c}, after a pause if {@code c} failed. */
    void reconnect(Connection c) {
        if (c.failed) {
            slotsInUse++;
            loop.schedule(() -> {
                slotsInUse--;
                if (!stopping) {
                    openConnection(0);
                } else {
                    checkDrained();
                }
            }, RECONNECT_BACKOFF_NANOS, TimeUnit.NANOSECONDS);
        } else {
            openConnection(0);
        }
    }

    private void add(Connection c) {
        c.slot = connections.size();
        connections.add(c);
    }

    private void remove(Connection c) {
        int i = c.slot;
        if (i < 0) {
            return;
        }
        Connection last = connections.remove(connections.size() - 1);
        if (last != c) {
            connections.set(i, last);
            last.slot = i;
        }
        c.slot = -1;
    }

    // ---- idle keep-alive connections ----

    void offerIdle(Connection c) {
        if (!c.idle) {
            c.idle = true;
            idle.addLast(c);
        }
    }

    /** The idle connection that takes the next request, dropping those that no longer can; null when none. */
    Connection firstIdle() {
        Connection c;
        while ((c = idle.peekFirst()) != null) {
            if (c.active && !c.closing && c.inFlight() < pipeline) {
                return c;
            }
            idle.pollFirst();
            c.idle = false;
        }
        return null;
    }

    /** Takes {@link #firstIdle()}'s connection out of the idle queue. */
    Connection pollIdle() {
        Connection c = idle.pollFirst();
        c.idle = false;
        return c;
    }

    // ---- timeouts ----

    private void scanTimeouts() {
        long now = System.nanoTime();
        for (int i = connections.size() - 1; i >= 0; i--) {
            if (i >= connections.size()) {
                continue;
            }
            Connection c = connections.get(i);
            if (!c.active) {
                if (c.ctx == null && now - c.connectStart > timeoutNanos && !c.failed) {
                    c.failed = true;
                    c.lostBeforeSend(ErrorKind.TIMEOUT, now);
                    // Closing an unconnected channel fails its connect future: onConnectFailed cleans up.
                    c.channel.close();
                }
                continue;
            }
            if (c.inFlight() > 0 && now - c.oldestSent() > timeoutNanos) {
                c.fail(ErrorKind.TIMEOUT);
            } else if (c.inFlight() == 0 && c.closeWaitStart != 0 && now - c.closeWaitStart > timeoutNanos) {
                c.ctx.close();
            }
        }
    }

    // ---- stopping ----

    /**
     * The measured window ends at {@code endNanos}: stops sending; in-flight requests may still complete until
     * {@link #forceStop()}.
     */
    Future<Void> stop(long endNanos) {
        stopping = true;
        long now = System.nanoTime();
        schedule.stop(this, endNanos, now);
        // A connect still waiting for its connect-rate slot has not started: an open loop's request among them was
        // due in the window and never left, so it is dropped like the schedule's backlog, not sent and then lost.
        for (DelayedConnect d; (d = delayedConnects.pollFirst()) != null; ) {
            d.future.cancel(false);
            slotsInUse--;
            if (d.intended != 0) {
                stats.recordDropped(now - d.intended);
            }
        }
        for (int i = connections.size() - 1; i >= 0; i--) {
            if (i >= connections.size()) {
                continue;
            }
            Connection c = connections.get(i);
            if (c.active && c.inFlight() == 0) {
                c.ctx.close();
            }
        }
        checkDrained();
        return drained;
    }

    /**
     * The drain is over. Requests still unanswered had the run's whole remaining time and got nothing: each counts as
     * a timeout at its elapsed time, as if the client had waited for them until now.
     */
    void forceStop() {
        long now = System.nanoTime();
        for (Connection c : connections) {
            if (c.failed) {
                continue;
            }
            if (c.inFlight() > 0) {
                c.failed = true;
                c.loseInFlight(ErrorKind.TIMEOUT, now);
            } else if (!c.active && c.ctx == null && perRequest) {
                c.failed = true;
                c.lostBeforeSend(ErrorKind.TIMEOUT, now);
            }
        }
        forced = true;
        stopping = true;
        if (timeoutScan != null) {
            timeoutScan.cancel(false);
        }
        for (Connection c : new ArrayList<>(connections)) {
            c.channel.close();
        }
    }

    private void checkDrained() {
        if (stopping && connections.isEmpty() && slotsInUse <= 0) {
            drained.trySuccess(null);
        }
    }
}
