package dev.topo.server.topology;

import dev.topo.config.HandlerConfig;
import dev.topo.config.ListenOptions;
import dev.topo.config.ServerConfig;
import dev.topo.server.http.DrainEvent;
import dev.topo.server.http.Pipelines;
import dev.topo.server.http.ServerInitializer;
import dev.topo.server.http.SharedQueueOffload;
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
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.ReflectiveChannelFactory;
import io.netty.channel.ServerChannel;
import io.netty.channel.ServerChannelRecvByteBufAllocator;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.util.concurrent.DefaultEventExecutorGroup;
import io.netty.util.concurrent.EventExecutor;
import io.netty.util.concurrent.EventExecutorGroup;
import io.netty.util.concurrent.GlobalEventExecutor;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
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
    final Pipelines pipelines;
    /** On every listening channel, ahead of the acceptor: the connection limit before any per-connection work. */
    final ConnectionAdmission admission;
    private final EventExecutorGroup offload;
    private final ChannelGroup connections = new DefaultChannelGroup("topo-connections", GlobalEventExecutor.INSTANCE);
    private final List<EventLoopGroup> groups = new CopyOnWriteArrayList<>();
    private final List<Channel> listeners = new CopyOnWriteArrayList<>();
    private volatile boolean draining;

    ServerResources(ServerConfig config, ServerMetrics metrics) {
        this.config = config;
        this.metrics = metrics;
        this.transport = TransportChoice.resolve(config.transport(), config.topology().kind());
        this.offload = offload(config, metrics);
        this.pipelines = new Pipelines(config, metrics, offload);
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
        EventLoopGroup group = new MultiThreadIoEventLoopGroup(threads, new LoopThreads(name),
                transport.ioHandlerFactory());
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

    /** A bootstrap with the options every listener shares. */
    ServerBootstrap bootstrap(EventLoopGroup boss, EventLoopGroup workers, ListenerStats listener,
            Map<EventLoop, LoopStats> loops) {
        return bootstrap(boss, workers, listener, loops, new ReflectiveChannelFactory<>(transport.serverChannelClass()));
    }

    /** As above, with listening channels made by {@code channels} (e.g. over an fd that is already listening). */
    ServerBootstrap bootstrap(EventLoopGroup boss, EventLoopGroup workers, ListenerStats listener,
            Map<EventLoop, LoopStats> loops, ChannelFactory<? extends ServerChannel> channels) {
        ListenOptions listen = config.topology().listen();
        // No TCP_NODELAY child option: every transport's channel config turns it on as it is made (Linux), and
        // setting it again costs one more setsockopt per connection.
        ServerBootstrap b = new ServerBootstrap()
                .group(boss, workers)
                .channelFactory(channels)
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
        return new ServerInitializer(pipelines, listener, loops, connections);
    }

    /** Binds and remembers the listener; a bind failure names the address and the reason. */
    InetSocketAddress bind(ServerBootstrap bootstrap, ListenerStats listener, String host, int port)
            throws InterruptedException {
        ChannelFuture f = bootstrap.bind(host, port).await();
        if (!f.isSuccess()) {
            Throwable cause = f.cause();
            throw new UncheckedIOException(new IOException("cannot listen on " + host + ":" + port + ": "
                    + cause.getMessage(), cause));
        }
        Channel channel = f.channel();
        listeners.add(channel);
        return bound(channel, listener, host);
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

    /** Remembers a listening channel opened elsewhere, so that a stop closes it first like the others. */
    void hold(Channel listener) {
        listeners.add(listener);
    }

    /** The listening channels opened so far, in order. */
    List<Channel> listeners() {
        return List.copyOf(listeners);
    }

    boolean draining() {
        return draining;
    }

    void stop(Duration drainTimeout) throws InterruptedException {
        draining = true;
        long deadline = System.nanoTime() + drainTimeout.toNanos();
        for (Channel listener : listeners) {
            listener.close().await();
        }
        int open = connections.size();
        connections.forEach(ch -> ch.pipeline().fireUserEventTriggered(DrainEvent.INSTANCE));
        for (Channel ch : new ArrayList<>(connections)) {
            long left = deadline - System.nanoTime();
            if (left <= 0 || !ch.closeFuture().await(left, TimeUnit.NANOSECONDS)) {
                break;
            }
        }
        int forced = connections.size();
        if (forced > 0) {
            // Mostly keep-alive connections on which no request came: nothing is lost by closing them now.
            log.info("drain timeout ({}) passed with {} connections open; closing them", drainTimeout, forced);
            connections.close().await(5, TimeUnit.SECONDS);
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
