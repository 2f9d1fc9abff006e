package dev.topo.server.topology;

import dev.topo.config.ProcessSharedListenerParameters;
import dev.topo.config.ServerConfig;
import dev.topo.config.TopologyParameters;
import dev.topo.server.listen.ListeningSockets;
import dev.topo.server.metrics.ServerMetrics;
import java.util.List;
import java.util.stream.IntStream;

/**
 * Prefork across processes: the master binds one listening socket and lends it to every one of {@code processes}
 * worker JVMs, whose {@code loops} loops all watch it. A new connection wakes every idle loop of every process; one
 * accepts, the others find nothing (the thundering herd, counted per loop and merged per worker in the master's
 * {@code /metrics}). Apache prefork, gunicorn, php-fpm, nginx without {@code reuseport}. With {@code acceptMutex}
 * the workers take turns instead ({@link AcceptMutex}): one watches the socket at a time, and the herd is gone.
 */
public final class ProcessSharedListenerTopology extends SocketLendingTopology {
    private final ProcessSharedListenerParameters parameters;

    public ProcessSharedListenerTopology(ServerConfig config, ServerMetrics metrics, ListeningSockets sockets) {
        this(config, metrics, sockets, config.topology().parameters(ProcessSharedListenerParameters.class));
    }

    private ProcessSharedListenerTopology(ServerConfig config, ServerMetrics metrics, ListeningSockets sockets,
            ProcessSharedListenerParameters p) {
        super(config, metrics, sockets, p.processes(), p.standbyWorkers(), p.maxRestarts(), p.acceptMutex());
        this.parameters = p;
    }

    @Override
    int socketCount() {
        return 1;
    }

    /** Every worker watches the one socket (and every socket kept from a switch, if there are more). */
    @Override
    List<Integer> socketsOf(int slot, int total) {
        return IntStream.range(0, total).boxed().toList();
    }

    @Override
    TopologyParameters inWorker() {
        return parameters.inWorker();
    }
}
