package dev.topo.server.topology;

import dev.topo.config.HandlerConfig;
import dev.topo.config.ListenOptions;
import dev.topo.config.ServerConfig;
import dev.topo.server.http.DrainEvent;
import dev.topo.server.http.ConnectionPipeline;
import dev.topo.server.http.OpenConnections;
import dev.topo.server.http.ServerInitializer;
import dev.topo.server.http.SharedQueueOffload;
import dev.topo.server.listen.ListeningSocket;
import dev.topo.server.listen.ListeningSockets;
import dev.topo.server.metrics.ListenerStats;
import dev.topo.server.metrics.LoopStats;
import dev.topo.server.metrics.ServerMetrics;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFactory;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.ServerChannel;
import io.netty.channel.ServerChannelRecvByteBufAllocator;
import io.netty.util.concurrent.DefaultEventExecutorGroup;
import io.netty.util.concurrent.EventExecutor;
import io.netty.util.concurrent.EventExecutorGroup;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.IntFunction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What every event-loop topology is made of: loop groups, listening channels, the set of open connections, and the
 * graceful stop over them. Topologies compose it and differ only in how they wire groups to listeners.
 */
final class ServerResources {
    private static final Logger log = LoggerFactory.getLogger(ServerResources.class);
    /**
     * The shared offload queue's bound, per offload thread: deep enough to ride out a burst of slow requests, short
     * enough that a request waits for at most 64 others per thread before it runs, rather than piling up in memory.
     */
    static final int SHARED_QUEUE_REQUESTS_PER_THREAD = 64;

    final ServerConfig config;
    final ServerMetrics metrics;
    final TransportChoice transport;
    final ConnectionPipeline pipeline;
    /** On every listening channel, ahead of the acceptor: the connection limit before any per-connection work. */
    final ConnectionAdmission admission;
    private final EventExecutorGroup offload;
    private final OpenConnections connections = new OpenConnections();
    private final List<EventLoopGroup> groups = new CopyOnWriteArrayList<>();
    /** Listening channels over sockets this process owns outright (a worker's lent copies): closed at stop. */
    private final List<Channel> listeners = new CopyOnWriteArrayList<>();
    /** Listening channels over the server's {@link ListeningSockets}: only deregistered, the sockets outlive us. */
    private final List<Channel> watchers = new CopyOnWriteArrayList<>();
    /** The server's listening sockets; null in a worker process, whose sockets its master lends. */
    final ListeningSockets sockets;
    private volatile boolean acceptingStopped;
    private volatile boolean draining;

    ServerResources(ServerConfig config, ServerMetrics metrics, ListeningSockets sockets) {
        this.config = config;
        this.metrics = metrics;
        this.sockets = sockets;
        this.transport = TransportChoice.resolve(config.transport(), config.topology().kind());
        this.offload = offload(config, metrics);
        this.pipeline = new ConnectionPipeline(config, metrics, offload);
        this.admission = new ConnectionAdmission(metrics);
    }

    /** Where request handling runs: nowhere else (null), pinned offload threads, or the shared queue. */
    private static EventExecutorGroup offload(ServerConfig config, ServerMetrics metrics) {
        HandlerConfig handler = config.handler();
        int threads = handler.offloadThreads();
        if (threads == 0) {
            return null;
        }
        if (!handler.sharedQueue()) {
            return new DefaultEventExecutorGroup(threads, new LoopThreads(i -> "topo-offload-" + i));
        }
        AtomicReference<SharedQueueOffload> shared = new AtomicReference<>();
        Runnable rejected = metrics.bindSharedQueue(() -> shared.get().admitted());
        shared.set(new SharedQueueOffload(threads, threads * SHARED_QUEUE_REQUESTS_PER_THREAD,
                config.limits().maxConnections(), new LoopThreads(i -> "topo-offload-shared-" + i), rejected));
        return shared.get();
    }

    /** A group of {@code threads} loops named by {@code name(1..threads)}. */
    EventLoopGroup newGroup(int threads, IntFunction<String> name) {
        return newGroup(threads, name, transport.ioHandlerFactory());
    }

    /** The one loop ({@code topo-handoff}) a worker receives fds from its master on (see {@link TransportChoice}). */
    EventLoopGroup newFdReceivingGroup() {
        return newGroup(1, n -> "topo-handoff", TransportChoice.fdReceivingIoHandlerFactory());
    }

    private EventLoopGroup newGroup(int threads, IntFunction<String> name, IoHandlerFactory handlers) {
        EventLoopGroup group = new MultiThreadIoEventLoopGroup(threads, new LoopThreads(name), handlers);
        groups.add(group);
        metrics.bindEventLoops(group);
        return group;
    }

    /**
     * Registers every loop of {@code group} under {@code listener}. Each loop is started and asked its thread name,
     * so that {@code /topology} lists loops that have served nothing yet.
     */
    Map<EventLoop, LoopStats> registerLoops(ListenerStats listener, EventLoopGroup group) {
        Map<EventLoop, LoopStats> loops = new IdentityHashMap<>();
        for (EventExecutor executor : group) {
            EventLoop loop = (EventLoop) executor;
            String name;
            try {
                name = loop.submit(() -> Thread.currentThread().getName()).get();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while starting " + loop, e);
            } catch (ExecutionException e) {
                throw new IllegalStateException("cannot start " + loop, e.getCause());
            }
            // Offloaded handlers of many connections count requests on their loop's stats from several threads.
            loops.put(loop, metrics.addLoop(listener, name, offload != null));
        }
        return loops;
    }

    /** A bootstrap with the options every listener shares; {@link #watch} gives it the socket. */
    ServerBootstrap bootstrap(EventLoopGroup boss, EventLoopGroup workers, ListenerStats listener,
            Map<EventLoop, LoopStats> loops) {
        ListenOptions listen = config.topology().listen();
        // No TCP_NODELAY child option: every transport's channel config turns it on as it is made (Linux), and
        // setting it again costs one more setsockopt per connection.
        ServerBootstrap b = new ServerBootstrap()
                .group(boss, workers)
                .option(ChannelOption.SO_BACKLOG, listen.backlog())
                .option(ChannelOption.SO_REUSEADDR, true)
                .option(ChannelOption.RCVBUF_ALLOCATOR,
                        new ServerChannelRecvByteBufAllocator().maxMessagesPerRead(listen.acceptBatch()))
                .handler(admission)
                .childHandler(initializer(listener, loops));
        if (transport.deferAcceptOption() != null && listen.deferAccept()) {
            // Seconds the kernel holds a connection until its first bytes: one wake-up fewer per connection.
            b.option(transport.deferAcceptOption(), 1);
        }
        return b;
    }

    ServerInitializer initializer(ListenerStats listener, Map<EventLoop, LoopStats> loops) {
        return new ServerInitializer(pipeline, listener, loops, connections);
    }

    /**
     * The sockets this generation watches, {@code wanted} of its own and any it must watch besides (see
     * {@link ListeningSockets#take}).
     */
    List<ListeningSocket> take(int wanted) {
        return sockets.take(wanted);
    }

    /**
     * Watches {@code socket} with a listening channel {@code bootstrap} makes on its own loop: registered, never bound
     * (the socket already listens) and, at stop, deregistered rather than closed, so the next generation can watch
     * the same socket; on io_uring the channel is over a copy of the fd, closed at stop (see
     * {@link TransportChoice#stopsAcceptingByClose}). Options set on the bootstrap apply to the socket (e.g.
     * {@code TCP_DEFER_ACCEPT}).
     */
    Channel watch(ServerBootstrap bootstrap, ListeningSocket socket) throws InterruptedException {
        boolean copy = transport.stopsAcceptingByClose();
        ChannelFuture f = register(bootstrap, () -> copy ? transport.listenerOver(FdCopies.copy(socket.fd()))
                : transport.listenerOver(socket)).await();
        if (!f.isSuccess()) {
            throw new IllegalStateException("cannot watch listening socket " + socket.index() + ": "
                    + f.cause().getMessage(), f.cause());
        }
        if (copy) {
            // The channel owns its copy of the fd: closing it stops this generation's accepts, the socket stays.
            hold(f.channel());
            return f.channel();
        }
        watchers.add(f.channel());
        // A watcher closes only by mistake (Netty closes a listening channel it cannot set up), and closing it
        // closes the server's socket under every other watcher: say so loudly.
        f.channel().closeFuture().addListener(c -> log.error("listening socket {} was closed by its watcher {}; "
                + "connections hashed to it are refused from now on", socket.index(), f.channel()));
        return f.channel();
    }

    /** Registers, on the transport in use, a listening channel over the already listening socket {@code fd}. */
    ChannelFuture register(ServerBootstrap bootstrap, int fd) {
        return register(bootstrap, () -> transport.listenerOver(fd));
    }

    private static ChannelFuture register(ServerBootstrap bootstrap, ChannelFactory<ServerChannel> channels) {
        return bootstrap.clone().channelFactory(channels).register();
    }

    /** Watches {@code socket} as {@code listener}'s socket, and records where it listens and who accepts. */
    InetSocketAddress listen(ServerBootstrap bootstrap, ListenerStats listener, ListeningSocket socket)
            throws InterruptedException {
        return bound(watch(bootstrap, socket), listener, config.bind().host());
    }

    /** {@code listener} watches every one of {@code sockets}: the first is its own, the rest it watches besides. */
    InetSocketAddress listenAll(ServerBootstrap bootstrap, ListenerStats listener, List<ListeningSocket> sockets)
            throws InterruptedException {
        InetSocketAddress address = listen(bootstrap, listener, sockets.get(0));
        for (ListeningSocket extra : sockets.subList(1, sockets.size())) {
            watch(bootstrap, extra);
        }
        return address;
    }

    /** Records where {@code channel} listens and which thread accepts for it. */
    InetSocketAddress bound(Channel channel, ListenerStats listener, String host) throws InterruptedException {
        // Reported as configured: a wildcard bind shows as 0.0.0.0, not as the IPv6 any-address the socket got.
        InetSocketAddress bound = new InetSocketAddress(host, ((InetSocketAddress) channel.localAddress()).getPort());
        try {
            listener.bound(bound, channel.eventLoop().submit(() -> Thread.currentThread().getName()).get());
        } catch (ExecutionException e) {
            throw new IllegalStateException("listener loop failed", e.getCause());
        }
        return bound;
    }

    /** Remembers a listening channel over a socket this process owns (lent to a worker): a stop closes it. */
    void hold(Channel listener) {
        listeners.add(listener);
    }

    /** The listening channels so far, in order: the watched ones, then the held ones. */
    List<Channel> listeners() {
        List<Channel> all = new ArrayList<>(watchers);
        all.addAll(listeners);
        return all;
    }

    /**
     * Whether the listening channels accept (a master pauses at its bound); a no-op once this generation stopped
     * accepting, so a pause ending after a live switch cannot make it accept again.
     */
    void setAccepting(boolean accepting) {
        if (acceptingStopped) {
            return;
        }
        for (Channel ch : listeners()) {
            if (ch.isRegistered()) {
                ch.config().setAutoRead(accepting);
            }
        }
    }

    /**
     * No more accepts by this generation: the watched sockets are deregistered (they stay open, for the next
     * generation or until the server closes them) and held ones closed (lent copies, io_uring's copies of the fd);
     * a close returns once the channel's accept has ended, so nothing accepts for this generation afterwards.
     * Connections already accepted carry on.
     */
    void stopAccepting() throws InterruptedException {
        if (acceptingStopped) {
            return;
        }
        acceptingStopped = true;
        for (Channel watcher : watchers) {
            if (watcher.isRegistered()) {
                watcher.deregister().await();
            }
        }
        for (Channel listener : listeners) {
            listener.close().await();
        }
    }

    boolean draining() {
        return draining;
    }

    void stop(Duration drainTimeout) throws InterruptedException {
        draining = true;
        long deadline = System.nanoTime() + drainTimeout.toNanos();
        stopAccepting();
        // Connections accepted just before the stop (or passed in by a master) may still be on their way to a
        // loop: each one that shows up is told too, until none is left or the time is up.
        Set<Channel> told = new HashSet<>();
        while (true) {
            List<Channel> open = connections.snapshot();
            for (Channel ch : open) {
                if (told.add(ch)) {
                    ch.pipeline().fireUserEventTriggered(DrainEvent.INSTANCE);
                }
            }
            long left = deadline - System.nanoTime();
            if (open.isEmpty() || left <= 0) {
                break;
            }
            open.get(0).closeFuture().await(Math.min(left, TimeUnit.MILLISECONDS.toNanos(50)),
                    TimeUnit.NANOSECONDS);
        }
        int open = told.size();
        List<Channel> left = connections.snapshot();
        int forced = left.size();
        if (forced > 0) {
            // Mostly keep-alive connections on which no request came: nothing is lost by closing them now.
            log.info("drain timeout ({}) passed with {} connections open; closing them", drainTimeout, forced);
            long closeDeadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
            for (Channel ch : left) {
                ch.close();
            }
            for (Channel ch : left) {
                ch.closeFuture().awaitUninterruptibly(Math.max(0, closeDeadline - System.nanoTime()),
                        TimeUnit.NANOSECONDS);
            }
        }
        log.info("drained {} connections ({} closed at the timeout)", open, forced);
        for (EventLoopGroup group : groups) {
            group.shutdownGracefully(0, 5, TimeUnit.SECONDS);
        }
        for (EventLoopGroup group : groups) {
            group.terminationFuture().await(10, TimeUnit.SECONDS);
        }
        // Last: channels closing with the loops still deliver their final events to offloaded handlers.
        if (offload != null) {
            offload.shutdownGracefully(0, 5, TimeUnit.SECONDS);
            offload.terminationFuture().await(10, TimeUnit.SECONDS);
        }
    }
}
