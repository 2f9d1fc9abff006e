package dev.topo.server.topology;

import dev.topo.config.ProcessReusePortParameters;
import dev.topo.config.ServerConfig;
import dev.topo.config.TopologyConfig;
import dev.topo.server.metrics.ServerMetrics;
import dev.topo.server.process.Supervisor;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.List;

/**
 * A supervisor and {@code processes} worker JVMs; each worker binds its own {@code SO_REUSEPORT} sockets on the one
 * port and runs the reuseport topology inside ({@code listeners}, {@code workersPerListener}: 0 is shared-nothing,
 * {@code listeners: 1, workersPerListener: N} the single-acceptor shape with the same thread names). The kernel
 * spreads connections across every socket of every process; the master never touches one. nginx with
 * {@code reuseport}, one worker process per CPU.
 */
public final class ProcessReusePortTopology extends SupervisedTopology {
    private final ProcessReusePortParameters parameters;
    private final Supervisor supervisor;
    private final Path workerConfig;

    public ProcessReusePortTopology(ServerConfig config, ServerMetrics metrics) {
        super(config, metrics);
        this.parameters = config.topology().parameters(ProcessReusePortParameters.class);
        this.workerConfig = writeWorkerConfig(config.bind().port());
        this.supervisor = new Supervisor("worker", parameters.processes(), parameters.maxRestarts(),
                // Nothing to wire when a worker comes or goes: the kernel finds (and forgets) its sockets by itself.
                slot -> List.of(workerConfig.toString()), new Supervisor.Listener() { });
    }

    private Path writeWorkerConfig(int port) {
        TopologyConfig inner = new TopologyConfig(parameters.inWorker(), resources.config.topology().listen());
        // Each worker accepts on its own, and the kernel spreads connections evenly: each gets an equal share of
        // the server-wide limit (as nginx's worker_connections is per worker), so together they never exceed it.
        int share = Math.max(1, resources.config.limits().maxConnections() / parameters.processes());
        return files.writeConfig("worker", resources.config.forWorker(inner, port, true, share));
    }

    @Override
    public InetSocketAddress start() throws InterruptedException {
        int port = resources.config.bind().port();
        int first = 0;
        if (port == 0) {
            // The first worker picks the ephemeral port; every other one (and every restart) must join that port.
            port = supervisor.start(0, 1).get(0).port();
            writeWorkerConfig(port);
            first = 1;
        }
        supervisor.start(first, parameters.processes());
        return new InetSocketAddress(resources.config.bind().host(), port);
    }

    @Override
    Supervisor supervisor() {
        return supervisor;
    }
}
