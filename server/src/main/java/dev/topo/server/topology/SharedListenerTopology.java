package dev.topo.server.topology;

import dev.topo.config.ServerConfig;
import dev.topo.config.SharedListenerParameters;
import dev.topo.server.metrics.ListenerStats;
import dev.topo.server.metrics.LoopStats;
import dev.topo.server.metrics.ServerMetrics;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.util.concurrent.EventExecutor;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Prefork: one listening socket whose fd is registered with {@code loops} event loops at once
 * ({@code topo-loop-0-N}). A new connection wakes every loop watching the socket; each calls accept, one wins and
 * serves the connection for its whole life, the rest find nothing (counted as empty wake-ups: the thundering herd).
 * nginx without {@code reuseport} (and without {@code accept_mutex}), Apache prefork.
 *
 * <p>Netty has no option for this: the first loop binds the socket normally and owns the fd; every other loop gets
 * an {@link EpollServerSocketChannel} wrapping the same fd number. Closing any of those would close the shared fd
 * under the others, so on stop they are only deregistered from their loops and the owner alone closes it.
 */
public final class SharedListenerTopology extends EventLoopTopology {
    private final List<Channel> borrowers = new ArrayList<>();

    public SharedListenerTopology(ServerConfig config, ServerMetrics metrics) {
        super(config, metrics);
    }

    @Override
    public InetSocketAddress start() throws InterruptedException {
        ServerConfig config = resources.config;
        ListenerStats listener = resources.metrics.addListener(0);
        int watchers = config.topology().parameters(SharedListenerParameters.class).loops();
        EventLoopGroup group = resources.newGroup(watchers, i -> "topo-loop-0-" + i);
        Map<EventLoop, LoopStats> loops = resources.registerLoops(listener, group);
        InetSocketAddress address = null;
        int fd = -1;
        for (EventExecutor executor : group) {
            EventLoop loop = (EventLoop) executor;
            // Each loop serves what it accepts: the listening channel's child group is its own loop.
            if (fd < 0) {
                ServerBootstrap b = resources.bootstrap(loop, loop, listener, loops)
                        .handler(listenerHandlers(loops.get(loop)));
                address = resources.bind(b, listener, config.bind().host(), config.bind().port());
                fd = ((EpollServerSocketChannel) resources.listeners().get(0)).fd().intValue();
            } else {
                int shared = fd;
                ServerBootstrap b = resources.bootstrap(loop, loop, listener, loops,
                        () -> new EpollServerSocketChannel(shared)).handler(listenerHandlers(loops.get(loop)));
                borrowers.add(b.register().sync().channel());
            }
        }
        return address;
    }

    /** Each listening channel counts its empty wake-ups, then admits under the connection limit. */
    private ChannelInitializer<Channel> listenerHandlers(LoopStats loop) {
        return new ChannelInitializer<>() {
            @Override
            protected void initChannel(Channel ch) {
                ch.pipeline().addLast(new AcceptCounter(loop), resources.admission);
            }
        };
    }

    @Override
    public void stop(Duration drainTimeout) throws InterruptedException {
        for (Channel borrower : borrowers) {
            borrower.deregister().await();
        }
        resources.stop(drainTimeout);
    }
}
