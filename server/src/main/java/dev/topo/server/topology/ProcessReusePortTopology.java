package dev.topo.server.topology;

import dev.topo.config.ProcessPool;
import dev.topo.config.ProcessReusePortParameters;
import dev.topo.config.ServerConfig;
import dev.topo.config.TopologyParameters;
import dev.topo.server.listen.ListeningSockets;
import dev.topo.server.metrics.ServerMetrics;
import java.util.List;
import java.util.stream.IntStream;

/**
 * A supervisor and {@code processes} worker JVMs, each running the reuseport topology inside ({@code listeners},
 * {@code workersPerListener}: 0 is shared-nothing, {@code listeners: 1, workersPerListener: N} the single-acceptor
 * shape with the same thread names) on {@code SO_REUSEPORT} sockets the kernel spreads connections across: each
 * worker has {@code listeners} of its own, opened and lent by the master. nginx with {@code reuseport}, one worker
 * process per CPU.
 */
public final class ProcessReusePortTopology extends SocketLendingTopology {
    private final ProcessReusePortParameters parameters;

    public ProcessReusePortTopology(ServerConfig config, ServerMetrics metrics, ListeningSockets sockets) {
        this(config, metrics, sockets, config.topology().parameters(ProcessReusePortParameters.class));
    }

    private ProcessReusePortTopology(ServerConfig config, ServerMetrics metrics, ListeningSockets sockets,
            ProcessReusePortParameters p) {
        super(config, metrics, sockets, ProcessPool.fixed(p.processes()), p.standbyWorkers(), p.maxRestarts(), false);
        this.parameters = p;
    }

    @Override
    int socketCount() {
        return parameters.processes() * parameters.listeners();
    }

    /** The slot's own {@code listeners} sockets, then its round-robin share of any kept from a switch. */
    @Override
    List<Integer> socketsOf(int slot, int total) {
        int listeners = parameters.listeners();
        int own = socketCount();
        return IntStream.concat(IntStream.range(slot * listeners, (slot + 1) * listeners),
                IntStream.range(own, total).filter(i -> (i - own) % parameters.processes() == slot)).boxed().toList();
    }

    @Override
    TopologyParameters inWorker() {
        return parameters.inWorker();
    }
}
