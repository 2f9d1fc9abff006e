package dev.topo.server.topology;

import dev.topo.server.config.ServerConfig;
import dev.topo.server.metrics.ServerMetrics;

/** Picks the topology class for a configuration. */
public final class Topologies {
    private Topologies() {
    }

    public static Topology create(ServerConfig config, ServerMetrics metrics) {
        return switch (config.topology().kind()) {
            case SINGLE_ACCEPTOR -> new SingleAcceptorTopology(config, metrics);
            case REUSEPORT -> new ReusePortTopology(config, metrics);
            case SHARED_LISTENER -> new SharedListenerTopology(config, metrics);
            case ITERATIVE -> new IterativeTopology(config, metrics);
            case THREAD_PER_CONNECTION -> new ThreadPerConnectionTopology(config, metrics);
            case THREAD_POOL -> new ThreadPoolTopology(config, metrics);
            case PROCESS_REUSEPORT -> new ProcessReusePortTopology(config, metrics);
            case PROCESS_FD_PASSING -> new ProcessFdPassingTopology(config, metrics);
            case PROCESS_PER_CONNECTION -> new ProcessPerConnectionTopology(config, metrics);
        };
    }
}
