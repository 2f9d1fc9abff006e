package dev.topo.server.topology;

import dev.topo.config.ProcessPerConnectionParameters;
import dev.topo.config.ServerConfig;
import dev.topo.server.listen.ListeningSockets;
import dev.topo.server.metrics.ListenerStats;
import dev.topo.server.metrics.ServerMetrics;
import dev.topo.server.process.WorkerProcess;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.EventLoop;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Fork per connection, the seeds' model: the master accepts ({@code topo-boss-0}, without reading) and starts a fresh
 * worker JVM for every connection; the child gets the connection's fd over a Unix socket, serves it to its end and
 * exits. A JVM start per connection makes it slow by nature: it is the baseline that shows why pools and reuseport
 * were invented. {@code maxChildren} bounds the live children; at the bound the master stops accepting and new
 * connections wait in the listen backlog.
 */
public final class ProcessPerConnectionTopology extends MasterTopology {
    private static final Logger log = LoggerFactory.getLogger(ProcessPerConnectionTopology.class);

    private final Path childConfig;
    private final int maxChildren;
    private final Set<WorkerProcess> children = ConcurrentHashMap.newKeySet();
    private final AtomicLong started = new AtomicLong();
    private final AtomicLong failed = new AtomicLong();
    /** Accepted at the bound, waiting for a child to exit. Boss loop only, as is {@link #live}. */
    private final Queue<Channel> waiting = new ArrayDeque<>();
    private int live;
    /** Children started whose connection has not been handed to them yet: a drain must not reach them first. */
    private final AtomicInteger awaitingConnection = new AtomicInteger();
    private EventLoop boss;

    public ProcessPerConnectionTopology(ServerConfig config, ServerMetrics metrics, ListeningSockets sockets) {
        super(config, metrics, sockets);
        this.maxChildren = config.topology().parameters(ProcessPerConnectionParameters.class).maxChildren();
        // No admin endpoint in the children: it would cost start time for a process that lives one connection.
        this.childConfig = files.writeConfig("child", config.forWorker(config.topology(), config.bind().port(),
                false));
    }

    @Override
    public InetSocketAddress start() throws InterruptedException {
        boss = resources.newGroup(1, i -> "topo-boss-0").next();
        ListenerStats listener = resources.metrics.addListener(0);
        return resources.listenAll(FdHandoff.acceptOnly(resources, boss, listener, this::accepted), listener,
                resources.take(1));
    }

    /** On the boss loop. */
    private void accepted(Channel connection) {
        if (draining()) {
            FdHandoff.refuse(connection);
        } else if (live + waiting.size() >= resources.config.limits().maxConnections()) {
            resources.metrics.connectionRejected();
            FdHandoff.refuse(connection);
        } else if (live >= maxChildren) {
            waiting.add(connection);
        } else {
            fork(connection);
        }
        // At the bound, accepting more would only pile connections up here instead of in the kernel's backlog.
        resources.setAccepting(live < maxChildren && !draining());
    }

    private void fork(Channel connection) {
        live++;
        long id = started.incrementAndGet();
        Path socket = files.socket("conn-" + id);
        WorkerProcess child;
        try {
            child = WorkerProcess.start("conn-" + id, List.of(childConfig.toString(), socket.toString()));
        } catch (UncheckedIOException e) {
            log.error("cannot start a child: {}", e.getMessage());
            failed.incrementAndGet();
            FdHandoff.refuse(connection);
            live--;
            return;
        }
        children.add(child);
        // Now, not in exited(): that runs on the boss loop, which may be gone when the last child of a drained
        // generation exits, and its count with it.
        countServedAtExit(child);
        awaitingConnection.incrementAndGet();
        child.ready().whenComplete((ready, e) -> boss.execute(() -> {
            if (e != null) {
                unserved(connection);
            } else {
                handOff(child, socket, connection);
            }
        }));
        child.onExit().thenAccept(code -> boss.execute(() -> exited(child, socket, code)));
    }

    private void handOff(WorkerProcess child, Path socket, Channel connection) {
        Acknowledgement receipt = new Acknowledgement(child, connection);
        FdHandoff.connect(resources.transport, boss, socket, receipt).addListener((ChannelFuture cf) -> {
            if (!cf.isSuccess()) {
                log.warn("cannot reach {} (pid {}): {}", child.name(), child.pid(), cf.cause().getMessage());
                unserved(connection);
                child.kill();
                return;
            }
            FdHandoff.lend(cf.channel(), TransportChoice.fd(connection));
        });
    }

    /**
     * Waits for the child's receipt of the fd before the master lets go of its copy and counts the connection as
     * handed over: written to the Unix socket is not enough, since a drain request reaching the child first would
     * make it refuse the fd, and an fd still queued on the socket when the child exits is closed with the request
     * unread, which resets the client.
     */
    private final class Acknowledgement extends ChannelInboundHandlerAdapter {
        private final WorkerProcess child;
        private final Channel connection;
        private boolean received;

        Acknowledgement(WorkerProcess child, Channel connection) {
            this.child = child;
            this.connection = connection;
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            ByteBuf bytes = (ByteBuf) msg;
            try {
                if (!received && bytes.isReadable() && bytes.readByte() == FdReceiverTopology.RECEIVED) {
                    received = true;
                    awaitingConnection.decrementAndGet();
                    connection.unsafe().closeForcibly(); // the master's copy: the child holds its own now
                    ctx.close();
                }
            } finally {
                bytes.release();
            }
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            if (!received) {
                log.warn("{} (pid {}) closed its handoff socket without taking its connection", child.name(),
                        child.pid());
                unserved(connection);
            }
        }
    }

    /** A connection whose child never took it: nobody else can serve it. */
    private void unserved(Channel connection) {
        awaitingConnection.decrementAndGet();
        failed.incrementAndGet();
        FdHandoff.refuse(connection);
    }

    private void exited(WorkerProcess child, Path socket, int code) {
        children.remove(child);
        files.delete(socket);
        if (code != 0) {
            log.warn("{} (pid {}) exited with code {}", child.name(), child.pid(), code);
        }
        live--;
        Channel next = waiting.poll();
        if (next != null) {
            fork(next);
        }
        if (!draining()) {
            resources.setAccepting(live < maxChildren);
        }
    }

    @Override
    public Map<String, Object> report() {
        List<Map<String, Object>> list = new ArrayList<>();
        for (WorkerProcess child : children) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("name", child.name());
            m.put("pid", child.pid());
            m.put("state", child.readyNow() == null ? "starting" : "serving");
            list.add(m);
        }
        Map<String, Object> doc = new LinkedHashMap<>();
        doc.put("maxChildren", maxChildren);
        doc.put("childrenStarted", started.get());
        doc.put("childrenFailed", failed.get());
        doc.put("workers", list);
        return doc;
    }

    @Override
    String masterMetrics() {
        return "# HELP topo_children_started_total Child processes started, one per connection\n"
                + "# TYPE topo_children_started_total counter\n"
                + "topo_children_started_total " + started.get() + "\n"
                + "# HELP topo_children_failed_total Children that never got their connection\n"
                + "# TYPE topo_children_failed_total counter\n"
                + "topo_children_failed_total " + failed.get() + "\n"
                + "# HELP topo_children_live Child processes running now\n"
                + "# TYPE topo_children_live gauge\n"
                + "topo_children_live " + children.size() + "\n";
    }

    /** Children have no admin endpoint: what they count dies with them, so only the master's view is merged. */
    @Override
    List<WorkerProcess> scrapedWorkers() {
        return List.of();
    }

    /**
     * Connections accepted at the bound (at most one per accept cycle: accepting stops there) still get a child as
     * others exit, within {@code drainTimeout}; what is left then is refused. The children serve theirs to the end.
     */
    @Override
    void stopWorkers(Duration drainTimeout) throws InterruptedException {
        long deadline = System.nanoTime() + drainTimeout.toNanos();
        if (boss != null) {
            // A child told to drain before it holds its connection would refuse it: hand every one over first.
            while (System.nanoTime() < deadline && (!waitingIsEmpty() || awaitingConnection.get() > 0)) {
                Thread.sleep(20);
            }
            boss.submit(() -> {
                for (Channel c = waiting.poll(); c != null; c = waiting.poll()) {
                    FdHandoff.refuse(c);
                }
            }).await();
        }
        WorkerProcess.drainAll(new ArrayList<>(children),
                Duration.ofNanos(Math.max(0, deadline - System.nanoTime())));
    }

    private boolean waitingIsEmpty() throws InterruptedException {
        try {
            return boss.submit(waiting::isEmpty).get();
        } catch (ExecutionException e) {
            return true;
        }
    }
}
