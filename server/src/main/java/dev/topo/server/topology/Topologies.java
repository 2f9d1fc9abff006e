package dev.topo.server.topology;

import dev.topo.config.ServerConfig;
import dev.topo.server.listen.ListeningSockets;
import dev.topo.server.metrics.ServerMetrics;

/**
 * Maps each kind of {@link dev.topo.config.TopologyKind} to its class. The switch is exhaustive: a kind added to the
 * registry without a class here does not compile.
 */
public final class Topologies {
    private Topologies() {
    }

    /** The topology a server (or the master of a multi-process one) runs, on the server's listening sockets. */
    public static Topology create(ServerConfig config, ServerMetrics metrics, ListeningSockets sockets) {
        return create(config, metrics, sockets, null);
    }

    /**
     * As above, or for a worker process with the {@code role} its master gave it (then {@code sockets} is null): a
     * process-fd-passing or process-per-connection worker serves the connections its master passes it, a
     * process-reuseport or process-shared-listener worker accepts on the listening sockets its master lends it.
     */
    public static Topology create(ServerConfig config, ServerMetrics metrics, ListeningSockets sockets,
            WorkerRole role) {
        return switch (config.topology().kind()) {
            case SINGLE_ACCEPTOR -> new SingleAcceptorTopology(config, metrics, sockets);
            case REUSEPORT -> new ReusePortTopology(config, metrics, sockets, role);
            case SHARED_LISTENER -> new SharedListenerTopology(config, metrics, sockets, role);
            case ITERATIVE -> new IterativeTopology(config, metrics, sockets);
            case THREAD_PER_CONNECTION -> new ThreadPerConnectionTopology(config, metrics, sockets);
            case THREAD_POOL -> new ThreadPoolTopology(config, metrics, sockets);
            case PROCESS_REUSEPORT -> new ProcessReusePortTopology(config, metrics, sockets);
            case PROCESS_SHARED_LISTENER -> new ProcessSharedListenerTopology(config, metrics, sockets);
            case PROCESS_FD_PASSING -> role == null ? new ProcessFdPassingTopology(config, metrics, sockets)
                    : new FdReceiverTopology(config, metrics, role);
            case PROCESS_PER_CONNECTION -> role == null ? new ProcessPerConnectionTopology(config, metrics, sockets)
                    : new FdReceiverTopology(config, metrics, role);
        };
    }
}
