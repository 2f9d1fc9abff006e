package dev.topo.server.topology;

import dev.topo.config.ServerConfig;
import dev.topo.server.metrics.ServerMetrics;

/**
 * Maps each kind of {@link dev.topo.config.TopologyKind} to its class. The switch is exhaustive: a kind added to the
 * registry without a class here does not compile.
 */
public final class Topologies {
    private Topologies() {
    }

    /** The topology a server (or the master of a multi-process one) runs. */
    public static Topology create(ServerConfig config, ServerMetrics metrics) {
        return create(config, metrics, null);
    }

    /**
     * As above, for a worker process with the {@code role} its master gave it: a process-fd-passing or
     * process-per-connection worker serves the connections its master passes it, a process-reuseport worker (whose
     * configuration is a reuseport one) accepts on the listening sockets its master lends it.
     */
    public static Topology create(ServerConfig config, ServerMetrics metrics, WorkerRole role) {
        return switch (config.topology().kind()) {
            case SINGLE_ACCEPTOR -> new SingleAcceptorTopology(config, metrics);
            case REUSEPORT -> new ReusePortTopology(config, metrics, role);
            case SHARED_LISTENER -> new SharedListenerTopology(config, metrics, role);
            case ITERATIVE -> new IterativeTopology(config, metrics);
            case THREAD_PER_CONNECTION -> new ThreadPerConnectionTopology(config, metrics);
            case THREAD_POOL -> new ThreadPoolTopology(config, metrics);
            case PROCESS_REUSEPORT -> new ProcessReusePortTopology(config, metrics);
            case PROCESS_SHARED_LISTENER -> new ProcessSharedListenerTopology(config, metrics);
            case PROCESS_FD_PASSING -> role == null ? new ProcessFdPassingTopology(config, metrics)
                    : new FdReceiverTopology(config, metrics, role);
            case PROCESS_PER_CONNECTION -> role == null ? new ProcessPerConnectionTopology(config, metrics)
                    : new FdReceiverTopology(config, metrics, role);
        };
    }
}
