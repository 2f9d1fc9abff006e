package dev.topo.server.topology;

import dev.topo.config.ProcessSharedListenerParameters;
import dev.topo.config.ServerConfig;
import dev.topo.config.TopologyParameters;
import dev.topo.server.metrics.ServerMetrics;
import java.util.List;

/**
 * Prefork across processes: the master binds one listening socket and lends it to every one of {@code processes}
 * worker JVMs, whose {@code loops} loops all watch it. A new connection wakes every idle loop of every process; one
 * accepts, the others find nothing (the thundering herd, counted per loop and merged per worker in the master's
 * {@code /metrics}). Apache prefork, gunicorn, php-fpm, nginx without {@code reuseport}. With {@code acceptMutex}
 * the workers take turns instead ({@link AcceptMutex}): one watches the socket at a time, and the herd is gone.
 */
public final class ProcessSharedListenerTopology extends SocketLendingTopology {
    private final ProcessSharedListenerParameters parameters;

    public ProcessSharedListenerTopology(ServerConfig config, ServerMetrics metrics) {
        this(config, metrics, config.topology().parameters(ProcessSharedListenerParameters.class));
    }

    private ProcessSharedListenerTopology(ServerConfig config, ServerMetrics metrics,
            ProcessSharedListenerParameters p) {
        super(config, metrics, p.processes(), p.standbyWorkers(), p.maxRestarts(), p.acceptMutex());
        this.parameters = p;
    }

    @Override
    int socketCount() {
        return 1;
    }

    @Override
    List<Integer> socketsOf(int slot) {
        return List.of(0);
    }

    @Override
    TopologyParameters inWorker() {
        return parameters.inWorker();
    }
}
