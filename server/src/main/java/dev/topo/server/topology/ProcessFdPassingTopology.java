package dev.topo.server.topology;

import dev.topo.config.Dispatch;
import dev.topo.config.ProcessFdPassingParameters;
import dev.topo.config.ServerConfig;
import dev.topo.server.metrics.ListenerStats;
import dev.topo.server.metrics.ServerMetrics;
import dev.topo.server.process.Supervisor;
import dev.topo.server.process.WorkerProcess;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.EventLoop;
import io.netty.channel.epoll.EpollSocketChannel;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The master owns the one listening socket and accepts on one loop ({@code topo-boss-0}) without reading; each
 * accepted connection's fd goes over a Unix socket (SCM_RIGHTS) to one of {@code processes} worker JVMs, picked by
 * {@code dispatch}, and the master closes its copy once sent. Workers serve with their own {@code workers} loops
 * (see {@link FdReceiverTopology}) and are restarted by a {@link Supervisor} when they die. The classic
 * master/worker split where the master decides who serves, rather than the kernel (process-reuseport).
 */
public final class ProcessFdPassingTopology extends SupervisedTopology {
    private static final Logger log = LoggerFactory.getLogger(ProcessFdPassingTopology.class);

    private final Supervisor supervisor;
    private final Dispatch dispatch;
    /** The handoff channel to each slot's worker, null while it is down. Only the boss loop touches these. */
    private final Target[] targets;
    private EventLoop boss;
    private int nextTarget;
    private boolean refusing;
    /** Every live worker's handoff channel is full: the listener stops accepting until one drains. */
    private boolean paused;
    private long lastPauseLog = System.nanoTime() - TimeUnit.MINUTES.toNanos(1);
    /**
     * Fds in flight to one worker at most. Far below what the kernel's socket buffer holds, so a send never finds it
     * full: Netty's domain socket cannot retry an fd the kernel refused for lack of room (it fails the channel).
     */
    private static final int WINDOW = 32;

    /** One worker as the master sees it; fields are the boss loop's alone. */
    private static final class Target {
        final Channel channel;
        int open;
        long dispatched;
        /** Fds sent that the worker has not yet said it received. */
        int inFlight;
        /** Times the dispatch passed this worker over because it had {@link #WINDOW} fds unread (stalled). */
        long skipped;

        /** Room for one more fd: a worker that does not read them (stopped, paused, swamped) is passed over. */
        boolean hasRoom() {
            return inFlight < WINDOW;
        }

        Target(Channel channel) {
            this.channel = channel;
        }
    }

    public ProcessFdPassingTopology(ServerConfig config, ServerMetrics metrics) {
        super(config, metrics);
        ProcessFdPassingParameters t = config.topology().parameters(ProcessFdPassingParameters.class);
        this.dispatch = t.dispatch();
        this.targets = new Target[t.processes()];
        Path workerConfig = files.writeConfig("worker", config.forWorker(config.topology(), config.bind().port(),
                true));
        this.supervisor = new Supervisor("worker", t.processes(), t.maxRestarts(),
                slot -> List.of(workerConfig.toString(), socket(slot).toString()), new Supervisor.Listener() {
                    @Override
                    public void ready(int slot, WorkerProcess worker) {
                        connect(slot, worker);
                    }

                    @Override
                    public void exited(int slot, WorkerProcess worker) {
                        files.delete(socket(slot));
                    }
                });
    }

    private Path socket(int slot) {
        return files.socket("worker-" + slot);
    }

    @Override
    public InetSocketAddress start() throws InterruptedException {
        ServerConfig config = resources.config;
        boss = resources.newGroup(1, i -> "topo-boss-0").next();
        ListenerStats listener = resources.metrics.addListener(0);
        // Every worker is ready before the first accept, so that round-robin starts out over all of them.
        supervisor.start(0, targets.length);
        return resources.bind(FdHandoff.acceptOnly(resources, boss, listener, this::dispatch), listener,
                config.bind().host(), config.bind().port());
    }

    /** On the thread that read a worker's ready line: opens the handoff channel to it. */
    private void connect(int slot, WorkerProcess worker) {
        ChannelFuture f = FdHandoff.connect(boss, socket(slot), new ClosedCounter(slot)).awaitUninterruptibly();
        if (!f.isSuccess()) {
            log.error("cannot reach {} (pid {}) on {}: {}; killing it", worker.name(), worker.pid(), socket(slot),
                    f.cause().getMessage());
            worker.kill();
            return;
        }
        Channel ch = f.channel();
        try {
            // Waited for: once the supervisor calls the worker running, the next accept must be able to pick it.
            boss.submit(() -> {
                if (ch.isActive()) {
                    targets[slot] = new Target(ch);
                }
            }).sync();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return;
        }
        // The channel closes when the worker dies (end of file): from then on it gets no connections.
        ch.closeFuture().addListener(c -> {
            if (targets[slot] != null && targets[slot].channel == ch) {
                targets[slot] = null;
            }
        });
    }

    /** Counts the bytes a worker sends back: one per connection it finished serving. */
    private final class ClosedCounter extends ChannelInboundHandlerAdapter {
        private final int slot;

        ClosedCounter(int slot) {
            this.slot = slot;
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            ByteBuf buf = (ByteBuf) msg;
            Target t = targets[slot];
            if (t != null && t.channel == ctx.channel()) {
                while (buf.isReadable()) {
                    if (buf.readByte() == FdReceiverTopology.RECEIVED) {
                        t.inFlight = Math.max(0, t.inFlight - 1);
                    } else {
                        t.open = Math.max(0, t.open - 1);
                    }
                }
                if (paused && t.hasRoom()) {
                    paused = false;
                    resources.listeners().forEach(l -> l.config().setAutoRead(true));
                    log.debug("worker-{} reads its connections again: accepting", slot);
                }
            }
            buf.release();
        }
    }

    /** On the boss loop, for each accepted connection. */
    private void dispatch(EpollSocketChannel connection) {
        if (openConnections() >= resources.config.limits().maxConnections()) {
            // Server-wide: the master knows every connection it passed and every close its workers reported.
            resources.metrics.connectionRejected();
            FdHandoff.refuse(connection);
            return;
        }
        Target t = choose();
        if (t == null || draining()) {
            // Once per outage: under load every connection would log it.
            if (!refusing) {
                log.warn("no worker ready: closing new connections until one is (topo_connections_rejected_total)");
                refusing = true;
            }
            resources.metrics.connectionRejected();
            FdHandoff.refuse(connection);
            return;
        }
        refusing = false;
        t.open++;
        t.inFlight++;
        t.dispatched++;
        FdHandoff.send(t.channel, connection).addListener(f -> {
            if (!f.isSuccess()) {
                t.open--;
                t.inFlight--;
                log.warn("passing a connection failed: {}", f.cause().getMessage());
            }
        });
    }

    /**
     * The worker for the next connection, among those whose handoff channel has room (a worker that does not read
     * its fds, being stopped, paused or swamped, is passed over and the skip counted). When every live worker is
     * full, the least loaded one still gets this connection, which is already accepted, and the listener stops
     * accepting until a channel drains: new connections then wait in the kernel's backlog, not in the master.
     */
    private Target choose() {
        int n = targets.length;
        Target chosen = null;
        for (int i = 0; i < n && chosen == null; i++) {
            int slot = dispatch == Dispatch.ROUND_ROBIN ? (nextTarget + i) % n : i;
            Target t = targets[slot];
            if (t == null) {
                continue;
            }
            if (!t.hasRoom()) {
                t.skipped++;
            } else if (dispatch == Dispatch.ROUND_ROBIN) {
                nextTarget = (slot + 1) % n;
                chosen = t;
            }
        }
        if (dispatch == Dispatch.LEAST_CONNECTIONS) {
            chosen = leastOpen(true);
        }
        if (chosen == null) {
            chosen = leastOpen(false);
            if (chosen != null && !paused) {
                paused = true;
                resources.listeners().forEach(l -> l.config().setAutoRead(false));
                // Under a burst this may happen often and for microseconds: said once a minute at most.
                long now = System.nanoTime();
                if (now - lastPauseLog > TimeUnit.MINUTES.toNanos(1)) {
                    lastPauseLog = now;
                    log.warn("every worker has {} connections unread: not accepting until one reads", WINDOW);
                }
            }
        }
        return chosen;
    }

    private int openConnections() {
        int open = 0;
        for (Target t : targets) {
            open += t == null ? 0 : t.open;
        }
        return open;
    }

    private Target leastOpen(boolean writableOnly) {
        Target best = null;
        for (Target t : targets) {
            if (t != null && (!writableOnly || t.hasRoom()) && (best == null || t.open < best.open)) {
                best = t;
            }
        }
        return best;
    }

    /** Each slot's open and dispatched counts, read on the boss loop that owns them. */
    private long[][] counts() {
        try {
            return boss.submit(() -> {
                long[][] c = new long[targets.length][];
                for (int i = 0; i < targets.length; i++) {
                    Target t = targets[i];
                    c[i] = t == null ? null : new long[] {t.open, t.dispatched, t.skipped, t.inFlight};
                }
                return c;
            }).get(2, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new long[targets.length][];
        } catch (ExecutionException | TimeoutException | java.util.concurrent.RejectedExecutionException e) {
            return new long[targets.length][];
        }
    }

    /** The supervisor's view of each worker, plus the master's: connections passed and not yet closed. */
    @Override
    public Map<String, Object> report() {
        long[][] counts = counts();
        List<Map<String, Object>> workers = new ArrayList<>();
        for (Map<String, Object> slot : supervisor.report()) {
            Map<String, Object> w = new LinkedHashMap<>(slot);
            long[] c = counts[(Integer) slot.get("slot")];
            w.put("open", c == null ? null : c[0]);
            w.put("dispatched", c == null ? null : c[1]);
            w.put("skipped", c == null ? null : c[2]);
            w.put("inFlight", c == null ? null : c[3]);
            if (c != null && c[3] >= WINDOW) {
                w.put("state", "stalled");
            }
            workers.add(w);
        }
        Map<String, Object> doc = new LinkedHashMap<>();
        doc.put("dispatch", dispatch.yamlName());
        doc.put("workers", workers);
        return doc;
    }

    @Override
    String masterMetrics() {
        long[][] counts = counts();
        StringBuilder s = new StringBuilder(super.masterMetrics());
        family(s, counts, 0, "topo_worker_connections_open", "gauge",
                "Connections passed to each worker slot and not yet closed");
        family(s, counts, 2, "topo_worker_dispatch_skipped_total", "counter",
                "Connections not passed to a worker slot because it had not read the ones before (a stalled worker)");
        return s.toString();
    }

    private static void family(StringBuilder s, long[][] counts, int column, String name, String type, String help) {
        s.append("# HELP ").append(name).append(' ').append(help).append('\n')
                .append("# TYPE ").append(name).append(' ').append(type).append('\n');
        for (int i = 0; i < counts.length; i++) {
            if (counts[i] != null) {
                s.append(name).append("{slot=\"").append(i).append("\"} ").append(counts[i][column]).append('\n');
            }
        }
    }

    @Override
    Supervisor supervisor() {
        return supervisor;
    }
}
