package dev.topo.server.topology;

import dev.topo.config.ReusePortParameters;
import dev.topo.config.ServerConfig;
import dev.topo.server.metrics.ListenerStats;
import dev.topo.server.metrics.LoopStats;
import dev.topo.server.metrics.ServerMetrics;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.epoll.EpollChannelOption;
import java.net.InetSocketAddress;
import java.util.Map;

/**
 * {@code listeners} SO_REUSEPORT sockets on one address, each with its own boss loop and {@code workersPerListener}
 * worker loops; the kernel hashes each new connection to one socket. With {@code workersPerListener: 0} each
 * listener's single loop ({@code topo-loop-N}) accepts and serves its own connections: shared-nothing, as nginx with
 * {@code reuseport} and one loop per worker.
 */
public final class ReusePortTopology extends EventLoopTopology {

    public ReusePortTopology(ServerConfig config, ServerMetrics metrics) {
        super(config, metrics);
    }

    @Override
    public InetSocketAddress start() throws InterruptedException {
        ServerConfig config = resources.config;
        ReusePortParameters topology = config.topology().parameters(ReusePortParameters.class);
        int port = config.bind().port();
        InetSocketAddress first = null;
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
            Map<EventLoop, LoopStats> loops = resources.registerLoops(listener, workers);
            ServerBootstrap b = resources.bootstrap(boss, workers, listener, loops)
                    .option(EpollChannelOption.SO_REUSEPORT, true);
            // With port 0 the first socket gets an ephemeral port; the others must join that one.
            InetSocketAddress bound = resources.bind(b, listener, config.bind().host(),
                    first == null ? port : first.getPort());
            if (first == null) {
                first = bound;
            }
        }
        return first;
    }
}
