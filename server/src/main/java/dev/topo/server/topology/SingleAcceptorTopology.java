package dev.topo.server.topology;

import dev.topo.config.ServerConfig;
import dev.topo.config.SingleAcceptorParameters;
import dev.topo.server.listen.ListeningSockets;
import dev.topo.server.metrics.ListenerStats;
import dev.topo.server.metrics.LoopStats;
import dev.topo.server.metrics.ServerMetrics;
import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import java.net.InetSocketAddress;
import java.util.Map;

/**
 * One listening socket on one boss loop ({@code topo-boss-0}); the boss hands each accepted connection to one of
 * {@code workers} loops ({@code topo-worker-0-N}) round-robin. Netty's default shape; nginx's with one worker.
 */
public final class SingleAcceptorTopology extends EventLoopTopology {

    public SingleAcceptorTopology(ServerConfig config, ServerMetrics metrics, ListeningSockets sockets) {
        super(config, metrics, sockets);
    }

    @Override
    public InetSocketAddress start() throws InterruptedException {
        ServerConfig config = resources.config;
        ListenerStats listener = resources.metrics.addListener(0);
        EventLoopGroup boss = resources.newGroup(1, i -> "topo-boss-0");
        int threads = config.topology().parameters(SingleAcceptorParameters.class).workers();
        EventLoopGroup workers = resources.newGroup(threads, i -> "topo-worker-0-" + i);
        Map<EventLoop, LoopStats> loops = resources.registerLoops(listener, workers);
        // One socket; more only after a switch from a kind with more, which the boss then watches as well.
        return resources.listenAll(resources.bootstrap(boss, workers, listener, loops), listener, resources.take(1));
    }
}
