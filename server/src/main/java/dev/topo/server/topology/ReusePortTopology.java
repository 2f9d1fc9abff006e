package dev.topo.server.topology;

import dev.topo.config.ReusePortParameters;
import dev.topo.config.ServerConfig;
import dev.topo.server.listen.ListeningSocket;
import dev.topo.server.listen.ListeningSockets;
import dev.topo.server.metrics.ListenerStats;
import dev.topo.server.metrics.LoopStats;
import dev.topo.server.metrics.ServerMetrics;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandler.Sharable;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.unix.FileDescriptor;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code listeners} SO_REUSEPORT sockets on one address, each with its own boss loop and {@code workersPerListener}
 * worker loops; the kernel hashes each new connection to one socket. With {@code workersPerListener: 0} each
 * listener's single loop ({@code topo-loop-N}) accepts and serves its own connections: shared-nothing, as nginx with
 * {@code reuseport} and one loop per worker.
 *
 * <p>In a process-reuseport worker (a {@link WorkerRole}) the sockets are not bound here but lent by the master over
 * the role's Unix socket, one per listener in order: everything else is built at start, so a standby worker serves
 * the moment its sockets arrive.
 */
public final class ReusePortTopology extends EventLoopTopology {
    private static final Logger log = LoggerFactory.getLogger(ReusePortTopology.class);

    private final WorkerRole role;
    /** Each listener's loops, kept for sockets that arrive after the start (a worker's). */
    private final List<Listener> listeners = new ArrayList<>();
    private Channel handoff;

    public ReusePortTopology(ServerConfig config, ServerMetrics metrics, ListeningSockets sockets) {
        this(config, metrics, sockets, null);
    }

    /** With a {@code role}: a process-reuseport worker, accepting on the sockets its master lends it. */
    ReusePortTopology(ServerConfig config, ServerMetrics metrics, ListeningSockets sockets, WorkerRole role) {
        super(config, metrics, sockets);
        this.role = role;
    }

    @Override
    public InetSocketAddress start() throws InterruptedException {
        ServerConfig config = resources.config;
        ReusePortParameters topology = config.topology().parameters(ReusePortParameters.class);
        for (int i = 0; i < topology.listeners(); i++) {
            int index = i;
            ListenerStats listener = resources.metrics.addListener(index);
            EventLoopGroup boss;
            EventLoopGroup workers;
            if (topology.workersPerListener() == 0) {
                boss = resources.newGroup(1, n -> "topo-loop-" + index);
                workers = boss;
            } else {
                boss = resources.newGroup(1, n -> "topo-boss-" + index);
                workers = resources.newGroup(topology.workersPerListener(), n -> "topo-worker-" + index + "-" + n);
            }
            listeners.add(new Listener(boss, workers, listener, resources.registerLoops(listener, workers)));
        }
        if (role != null) {
            handoff = FdHandoff.receive(resources.newFdReceivingGroup(), role.handoff(),
                    new Lent());
            return new InetSocketAddress(config.bind().host(), config.bind().port());
        }
        List<ListeningSocket> sockets = resources.take(listeners.size());
        InetSocketAddress first = null;
        for (ListeningSocket socket : sockets) {
            // Listener i accepts on socket i; sockets beyond the listeners (kept from a switch that had more, see
            // ListeningSockets) are folded onto the listeners round-robin.
            Listener l = listeners.get(socket.index() % listeners.size());
            ServerBootstrap b = resources.bootstrap(l.boss, l.workers, l.stats, l.loops);
            if (socket.index() < listeners.size()) {
                InetSocketAddress bound = resources.listen(b, l.stats, socket);
                first = first == null ? bound : first;
            } else {
                resources.watch(b, socket);
            }
        }
        return first;
    }

    /** Takes the listening sockets the master lends, in listener order, and accepts on each as it arrives. */
    @Sharable
    private final class Lent extends ChannelInboundHandlerAdapter {
        private int next;

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            int fd = ((FileDescriptor) msg).intValue();
            if (resources.draining()) {
                return;
            }
            // Sockets beyond this worker's listeners (the master kept more from a switch) fold onto them.
            int index = next++ % listeners.size();
            Listener l = listeners.get(index);
            // Registered, not bound: the socket already listens (the master bound it), this process only accepts.
            resources.register(resources.bootstrap(l.boss, l.workers, l.stats, l.loops), fd).addListener(f -> {
                        if (!f.isSuccess()) {
                            log.error("cannot accept on the lent socket {}: {}", index, f.cause().getMessage());
                            return;
                        }
                        Channel ch = ((ChannelFuture) f).channel();
                        resources.hold(ch);
                        int port = ((InetSocketAddress) ch.localAddress()).getPort();
                        // On the listener's own loop: its thread is the acceptor.
                        l.stats.bound(new InetSocketAddress(resources.config.bind().host(), port),
                                Thread.currentThread().getName());
                    });
        }
    }

    /** One listener's loops and counters. */
    private record Listener(EventLoopGroup boss, EventLoopGroup workers, ListenerStats stats,
            Map<EventLoop, LoopStats> loops) {
    }

    @Override
    public void stopAccepting() throws InterruptedException {
        if (handoff != null) {
            handoff.close().await();
        }
        super.stopAccepting();
    }

    @Override
    public void stop(Duration drainTimeout) throws InterruptedException {
        stopAccepting();
        super.stop(drainTimeout);
    }
}
