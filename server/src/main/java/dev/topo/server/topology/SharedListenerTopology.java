package dev.topo.server.topology;

import dev.topo.config.ServerConfig;
import dev.topo.config.SharedListenerParameters;
import dev.topo.server.listen.ListeningSocket;
import dev.topo.server.listen.ListeningSockets;
import dev.topo.server.metrics.ListenerStats;
import dev.topo.server.metrics.LoopStats;
import dev.topo.server.metrics.ServerMetrics;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler.Sharable;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.unix.FileDescriptor;
import io.netty.util.concurrent.EventExecutor;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Prefork: one listening socket whose fd is registered with {@code loops} event loops at once
 * ({@code topo-loop-0-N}). A new connection wakes every loop watching the socket; each calls accept, one wins and
 * serves the connection for its whole life, the rest find nothing (counted as empty wake-ups: the thundering herd).
 * nginx without {@code reuseport} (and without {@code accept_mutex}), Apache prefork.
 *
 * <p>Netty has no option for this: every loop gets a listening channel of its own over the same socket (the same fd
 * number). Closing any of those would close the shared fd under the others, so on stop they are only deregistered
 * from their loops; the server's {@code ListeningSockets} (or, in a worker, the first channel) closes the socket.
 */
public final class SharedListenerTopology extends EventLoopTopology {
    private static final Logger log = LoggerFactory.getLogger(SharedListenerTopology.class);

    private final List<Channel> borrowers = new ArrayList<>();
    private final WorkerRole role;
    private Channel handoff;

    public SharedListenerTopology(ServerConfig config, ServerMetrics metrics, ListeningSockets sockets) {
        this(config, metrics, sockets, null);
    }

    /** With a {@code role}: a process-shared-listener worker, watching the socket(s) its master lends it. */
    SharedListenerTopology(ServerConfig config, ServerMetrics metrics, ListeningSockets sockets, WorkerRole role) {
        super(config, metrics, sockets);
        this.role = role;
    }

    @Override
    public InetSocketAddress start() throws InterruptedException {
        ServerConfig config = resources.config;
        ListenerStats listener = resources.metrics.addListener(0);
        int watchers = config.topology().parameters(SharedListenerParameters.class).loops();
        EventLoopGroup group = resources.newGroup(watchers, i -> "topo-loop-0-" + i);
        Map<EventLoop, LoopStats> loops = resources.registerLoops(listener, group);
        if (role != null) {
            handoff = FdHandoff.receive(resources.newFdReceivingGroup(), role.handoff(),
                    new Lent(group, listener, loops));
            return new InetSocketAddress(config.bind().host(), config.bind().port());
        }
        InetSocketAddress address = null;
        // Every loop watches every socket (one, unless a switch from a kind with more left extra ones open).
        for (ListeningSocket socket : resources.take(1)) {
            for (EventExecutor executor : group) {
                EventLoop loop = (EventLoop) executor;
                // Each loop serves what it accepts: the listening channel's child group is its own loop.
                ServerBootstrap b = resources.bootstrap(loop, loop, listener, loops)
                        .handler(listenerHandlers(loops.get(loop)));
                if (address == null) {
                    address = resources.listen(b, listener, socket);
                } else {
                    resources.watch(b, socket);
                }
            }
        }
        return address;
    }

    /**
     * Registers {@code loop} as one more watcher of the lent listening socket {@code fd} (the same fd number). Under
     * an accept mutex it watches only while this process holds the turn.
     */
    private Channel watch(int fd, EventLoop loop, ListenerStats listener, Map<EventLoop, LoopStats> loops)
            throws InterruptedException {
        AcceptTurn turn = role == null ? null : role.turn();
        ServerBootstrap b = resources.bootstrap(loop, loop, listener, loops)
                .handler(listenerHandlers(loops.get(loop)));
        if (turn != null) {
            b.option(ChannelOption.AUTO_READ, false);
        }
        Channel ch = resources.register(b, fd).sync().channel();
        if (turn != null) {
            turn.watch(ch);
        }
        return ch;
    }

    /**
     * Each listening channel counts its empty wake-ups, gives an accept turn back after a batch, then admits under
     * the connection limit.
     */
    private ChannelInitializer<Channel> listenerHandlers(LoopStats loop) {
        AcceptTurn turn = role == null ? null : role.turn();
        return new ChannelInitializer<>() {
            @Override
            protected void initChannel(Channel ch) {
                ch.pipeline().addLast(new AcceptCounter(loop));
                if (turn != null) {
                    ch.pipeline().addLast(new TurnKeeper(turn));
                }
                ch.pipeline().addLast(resources.admission);
            }
        };
    }

    /** After a read cycle that accepted something, the accept turn goes back to the master. */
    private static final class TurnKeeper extends ChannelInboundHandlerAdapter {
        private final AcceptTurn turn;
        private boolean accepted;

        TurnKeeper(AcceptTurn turn) {
            this.turn = turn;
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            accepted = true;
            ctx.fireChannelRead(msg);
        }

        @Override
        public void channelReadComplete(ChannelHandlerContext ctx) {
            if (accepted) {
                accepted = false;
                turn.accepted();
            }
            ctx.fireChannelReadComplete();
        }
    }

    /**
     * Takes each listening socket the master lends (one, or more kept from a switch) and puts every loop of this
     * process on it.
     */
    @Sharable
    private final class Lent extends ChannelInboundHandlerAdapter {
        private final EventLoopGroup group;
        private final ListenerStats listener;
        private final Map<EventLoop, LoopStats> loops;

        Lent(EventLoopGroup group, ListenerStats listener, Map<EventLoop, LoopStats> loops) {
            this.group = group;
            this.listener = listener;
            this.loops = loops;
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            int fd = ((FileDescriptor) msg).intValue();
            if (resources.draining()) {
                return;
            }
            boolean first = resources.listeners().isEmpty();
            boolean owner = true;
            // On the handoff loop, which is none of the watching loops: it may wait for each to register.
            try {
                for (EventExecutor executor : group) {
                    Channel ch = watch(fd, (EventLoop) executor, listener, loops);
                    // One channel per fd owns it (a stop closes it); the others only leave their loops.
                    if (owner) {
                        owner = false;
                        resources.hold(ch);
                    } else {
                        borrowers.add(ch);
                    }
                    if (first) {
                        first = false;
                        int port = ((InetSocketAddress) ch.localAddress()).getPort();
                        listener.bound(new InetSocketAddress(resources.config.bind().host(), port),
                                "every topo-loop-0-N");
                    }
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** The borrowers leave their loops before an owner closes the fd they share. */
    @Override
    public void stopAccepting() throws InterruptedException {
        if (handoff != null) {
            handoff.close().await();
        }
        for (Channel borrower : borrowers) {
            if (borrower.isRegistered()) {
                borrower.deregister().await();
            }
        }
        resources.stopAccepting();
    }

    @Override
    public void stop(Duration drainTimeout) throws InterruptedException {
        stopAccepting();
        resources.stop(drainTimeout);
    }
}
