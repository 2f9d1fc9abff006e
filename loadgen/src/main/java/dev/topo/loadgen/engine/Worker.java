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
 * The load of one event loop thread: its share of the connections and, in open loop, its share of the global
 * schedule. Every method runs on {@link #loop}, except the constructor and the accessors the engine reads through
 * {@link #stats}.
 */
final class Worker {

    /** After a failed connect, wait this long before retrying, so a dead target does not spin the CPU. */
    private static final long RECONNECT_BACKOFF_NANOS = TimeUnit.MILLISECONDS.toNanos(10);

    final EventLoop loop;
    final WorkerStats stats = new WorkerStats();
    final RequestTemplate request;
    final int pipeline;
    final boolean openLoop;
    private final LoadSpec spec;
    private final Bootstrap bootstrap;
    private final InetSocketAddress remote;
    private final List<InetAddress> sources;
    private final ConnectRateLimiter limiter;
    private final int share;
    private final boolean perRequest;
    private final long timeoutNanos;
    private final int threads;
    private final List<Connection> connections = new ArrayList<>();
    private final ArrayDeque<Connection> idle = new ArrayDeque<>();
    private final Promise<Void> drained;
    private final Runnable tick = this::onTick;

    /** Connections counted against {@link #share}: open, connecting, or waiting for a connect slot. */
    private int slotsInUse;
    private int nextSource;
    boolean stopping;
    /** The run is over: close everything and count nothing more. */
    boolean forced;

    // Open loop: this thread sends global request indices index, index + threads, index + 2 * threads, ...
    private long scheduleStart;
    private double nanosPerRequest;
    private long nextIndex;
    private boolean blocked;
    private boolean tickScheduled;
    private ScheduledFuture<?> tickFuture;
    private ScheduledFuture<?> timeoutScan;

    Worker(EventLoop loop, int index, int threads, int share, LoadSpec spec, Bootstrap bootstrap,
           InetSocketAddress remote, List<InetAddress> sources, ConnectRateLimiter limiter, RequestTemplate request) {
        this.loop = loop;
        this.spec = spec;
        this.bootstrap = bootstrap;
        this.remote = remote;
        this.sources = sources;
        this.limiter = limiter;
        this.request = request;
        this.share = share;
        this.threads = threads;
        this.pipeline = spec.pipeline();
        this.openLoop = spec.openLoop();
        this.perRequest = spec.connectionMode() == ConnectionMode.PER_REQUEST;
        this.timeoutNanos = spec.timeout().toNanos();
        this.nextIndex = index;
        this.nextSource = index;
        this.drained = loop.newPromise();
    }

    ResponseParser newParser() {
        return spec.target().isHttp()
                ? new HttpResponseParser(spec.method().equals("HEAD"))
                : new EchoResponseParser(spec.bodyLength());
    }

    void start(long startNanos) {
        long scan = Math.max(TimeUnit.MILLISECONDS.toNanos(5), Math.min(timeoutNanos / 10,
                TimeUnit.MILLISECONDS.toNanos(100)));
        timeoutScan = loop.scheduleAtFixedRate(this::scanTimeouts, scan, scan, TimeUnit.NANOSECONDS);
        if (openLoop) {
            scheduleStart = startNanos;
            nanosPerRequest = 1e9 / spec.rate();
        }
        if (!perRequest) {
            for (int i = 0; i < share; i++) {
                openConnection(0);
            }
        }
        if (openLoop) {
            pump(System.nanoTime());
        } else if (perRequest) {
            for (int i = 0; i < share; i++) {
                openConnection(0);
            }
        }
    }

    // ---- connections ----

    /** Takes a slot and connects, after waiting for a connect-rate slot if there is a cap. */
    private void openConnection(long intended) {
        slotsInUse++;
        long wait = limiter == null ? 0 : limiter.reserve(System.nanoTime());
        if (wait > 0) {
            loop.schedule(() -> connectNow(intended), wait, TimeUnit.NANOSECONDS);
        } else {
            connectNow(intended);
        }
    }

    private void connectNow(long intended) {
        if (stopping) {
            slotsInUse--;
            checkDrained();
            return;
        }
        Connection c = new Connection(this, System.nanoTime(), intended);
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
        if (stopping) {
            c.ctx.close();
            return;
        }
        if (openLoop) {
            if (perRequest) {
                c.send(c.intended, now);
                c.flush();
            } else {
                offerIdle(c);
                pump(now);
            }
        } else {
            long origin = perRequest ? c.connectStart : now;
            for (int i = 0; i < pipeline; i++) {
                c.send(origin, now);
            }
            c.flush();
        }
    }

    void onResponse(Connection c, long now) {
        if (perRequest) {
            if (c.inFlight() == 0) {
                finishPerRequest(c, now);
            }
            return;
        }
        if (c.closing || stopping) {
            if (c.inFlight() == 0) {
                c.ctx.close();
            }
            return;
        }
        if (!openLoop) {
            c.send(now, now);
        } else {
            offerIdle(c);
            pump(now);
        }
    }

    private void finishPerRequest(Connection c, long now) {
        if (spec.closeMode() == CloseMode.SERVER && c.closing && !stopping) {
            // Wait for the server's FIN; scanTimeouts closes it if the server never sends one.
            c.closeWaitStart = now;
        } else {
            c.ctx.close();
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

    void onClosed(Connection c) {
        if (!release(c)) {
            return;
        }
        if (perRequest) {
            if (openLoop) {
                pump(System.nanoTime());
            } else {
                openConnection(0);
            }
        } else {
            reconnect(c);
        }
    }

    void onConnectFailed(Connection c) {
        if (!release(c)) {
            return;
        }
        if (perRequest && openLoop) {
            // The request it was opened for has failed; the slot goes to the next one due.
            pump(System.nanoTime());
        } else {
            reconnect(c);
        }
    }

    private void reconnect(Connection c) {
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

    // ---- open loop schedule ----

    private long intendedTime(long index) {
        return scheduleStart + (long) (index * nanosPerRequest);
    }

    private boolean scheduleDue(long now) {
        return openLoop && !stopping && intendedTime(nextIndex) <= now;
    }

    /** Sends the next scheduled request on {@code c}; the wait for a free connection counts as blocked time. */
    private void sendScheduled(Connection c, long now) {
        long intended = intendedTime(nextIndex);
        nextIndex += threads;
        if (blocked) {
            recordBlocked(now - intended);
        }
        c.send(intended, now);
    }

    private void recordBlocked(long nanos) {
        if (!forced) {
            stats.inc(WorkerStats.BLOCKED_REQUESTS);
            stats.add(WorkerStats.BLOCKED_NANOS, Math.max(0, nanos));
            stats.max(WorkerStats.BLOCKED_MAX_NANOS, nanos);
        }
    }

    /** Sends every request that is due and has a free connection, then arms the timer for the next one. */
    private void pump(long now) {
        while (scheduleDue(now)) {
            if (perRequest) {
                if (slotsInUse >= share) {
                    blocked = true;
                    return;
                }
                long intended = intendedTime(nextIndex);
                nextIndex += threads;
                if (blocked) {
                    recordBlocked(now - intended);
                }
                openConnection(intended);
            } else {
                Connection c = pollIdle();
                if (c == null) {
                    blocked = true;
                    return;
                }
                sendScheduled(c, now);
                c.flush();
                if (c.inFlight() < pipeline) {
                    offerIdle(c);
                }
            }
        }
        blocked = false;
        if (!stopping && !tickScheduled && openLoop) {
            tickScheduled = true;
            long delay = intendedTime(nextIndex) - now;
            tickFuture = loop.schedule(tick, Math.max(0, delay), TimeUnit.NANOSECONDS);
        }
    }

    private void onTick() {
        tickScheduled = false;
        pump(System.nanoTime());
    }

    private void offerIdle(Connection c) {
        if (!c.idle) {
            c.idle = true;
            idle.addLast(c);
        }
    }

    private Connection pollIdle() {
        Connection c;
        while ((c = idle.pollFirst()) != null) {
            c.idle = false;
            if (c.active && !c.closing && c.inFlight() < pipeline) {
                return c;
            }
        }
        return null;
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
                    stats.error(ErrorKind.TIMEOUT);
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

    /** Stops sending; in-flight requests may still complete until {@link #forceStop()}. */
    Future<Void> stop() {
        stopping = true;
        if (tickFuture != null) {
            tickFuture.cancel(false);
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

    void forceStop() {
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
