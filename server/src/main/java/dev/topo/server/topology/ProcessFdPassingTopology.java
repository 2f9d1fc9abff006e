package dev.topo.server.topology;

import dev.topo.config.Dispatch;
import dev.topo.config.ProcessFdPassingParameters;
import dev.topo.config.ServerConfig;
import dev.topo.server.listen.ListeningSockets;
import dev.topo.server.metrics.ListenerStats;
import dev.topo.server.metrics.ServerMetrics;
import dev.topo.server.process.Supervisor;
import dev.topo.server.process.WorkerProcess;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.EventLoop;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The master owns the one listening socket and accepts on one loop ({@code topo-boss-0}) without reading; each
 * accepted connection's fd goes over a Unix socket (SCM_RIGHTS) to one of {@code processes} worker JVMs, picked by
 * {@code dispatch}, and the master closes its copy once sent. Workers serve with their own {@code workers} loops
 * (see {@link FdReceiverTopology}) and are restarted by a {@link Supervisor} when they die. The classic
 * master/worker split where the master decides who serves, rather than the kernel (process-reuseport).
 */
public final class ProcessFdPassingTopology extends SupervisedTopology {
    private final Supervisor supervisor;
    private final Dispatch dispatch;
    private final FdDispatcher dispatcher;
    private EventLoop boss;

    public ProcessFdPassingTopology(ServerConfig config, ServerMetrics metrics, ListeningSockets sockets) {
        super(config, metrics, sockets, config.topology().parameters(ProcessFdPassingParameters.class).processes());
        ProcessFdPassingParameters t = config.topology().parameters(ProcessFdPassingParameters.class);
        this.dispatch = t.dispatch();
        this.dispatcher = new FdDispatcher(resources, dispatch, pool.max());
        Path workerConfig = files.writeConfig("worker", config.forWorker(config.topology(), config.bind().port(),
                true));
        this.supervisor = new Supervisor("worker", pool.max(), t.standbyWorkers(), t.maxRestarts(),
                name -> List.of(workerConfig.toString(), socket(name).toString()), new Supervisor.Listener() {
                    @Override
                    public void ready(int slot, WorkerProcess worker) {
                        connect(slot, worker);
                    }

                    @Override
                    public void exited(int slot, WorkerProcess worker) {
                        countServedAtExit(worker);
                        files.delete(socket(worker.name()));
                    }
                });
    }

    /** Each worker process listens for fds on a socket of its own, named after it: a standby has one too. */
    private Path socket(String worker) {
        return files.socket(worker);
    }

    @Override
    public InetSocketAddress start() throws InterruptedException {
        boss = resources.newGroup(1, i -> "topo-boss-0").next();
        ListenerStats listener = resources.metrics.addListener(0);
        // Every worker is ready before the first accept, so that round-robin starts out over all of them.
        supervisor.start(0, pool.min());
        startScaling();
        return resources.listenAll(FdHandoff.acceptOnly(resources, boss, listener,
                c -> dispatcher.accepted(c, draining())), listener, resources.take(1));
    }

    /** On the thread that read a worker's ready line (or promoted a standby): opens the handoff channel to it. */
    private void connect(int slot, WorkerProcess worker) {
        Channel ch = FdHandoff.connectOrKill(resources.transport, boss, worker, socket(worker.name()),
                new Acknowledgements(slot));
        if (ch == null) {
            return;
        }
        try {
            // Waited for: once the supervisor calls the worker running, the next accept must be able to pick it.
            boss.submit(() -> {
                if (ch.isActive()) {
                    dispatcher.connected(slot, ch);
                }
            }).sync();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return;
        }
        // The channel closes when the worker dies (end of file): from then on it gets no connections.
        ch.closeFuture().addListener(c -> dispatcher.disconnected(slot, ch));
    }

    /** What a worker sends back on its handoff channel, for the dispatcher. */
    private final class Acknowledgements extends ChannelInboundHandlerAdapter {
        private final int slot;

        Acknowledgements(int slot) {
            this.slot = slot;
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            ByteBuf buf = (ByteBuf) msg;
            try {
                dispatcher.acknowledged(slot, ctx.channel(), buf);
            } finally {
                buf.release();
            }
        }
    }

    /** Waited for: once the worker drains, anything passed to it would only come back. */
    @Override
    void leaving(int slot) {
        boss.submit(() -> dispatcher.leave(slot)).syncUninterruptibly();
    }

    /** Each slot's counts, read on the boss loop that owns them. */
    private long[][] counts() {
        try {
            return boss.submit(dispatcher::counts).get(2, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new long[dispatcher.slots()][];
        } catch (ExecutionException | TimeoutException | RejectedExecutionException e) {
            return new long[dispatcher.slots()][];
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
            w.put("unread", c == null ? null : c[3]);
            if (c != null && c[3] >= FdDispatcher.WINDOW) {
                w.put("state", "stalled");
            }
            workers.add(w);
        }
        Map<String, Object> doc = new LinkedHashMap<>(super.report());
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
    void stopWorkers(Duration drainTimeout) throws InterruptedException {
        long deadline = System.nanoTime() + drainTimeout.toNanos();
        if (boss != null) {
            // Accepting has stopped; a worker told to drain refuses fds it has not read yet, so first let every
            // connection accepted so far reach a worker (within the drain's time), and only then drain them.
            while (System.nanoTime() < deadline && !settled()) {
                Thread.sleep(10);
            }
            boss.submit(dispatcher::refusePending).await();
        }
        super.stopWorkers(Duration.ofNanos(Math.max(0, deadline - System.nanoTime())));
    }

    private boolean settled() throws InterruptedException {
        try {
            return boss.submit(dispatcher::settled).get();
        } catch (ExecutionException e) {
            return true;
        }
    }

    @Override
    Supervisor supervisor() {
        return supervisor;
    }
}
