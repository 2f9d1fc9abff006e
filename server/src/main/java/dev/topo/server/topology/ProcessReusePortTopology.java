package dev.topo.server.topology;

import dev.topo.server.config.ServerConfig;
import dev.topo.server.config.TopologyConfig;
import dev.topo.server.config.TopologyKind;
import dev.topo.server.metrics.ServerMetrics;
import dev.topo.server.process.Supervisor;
import dev.topo.server.process.WorkerFiles;
import dev.topo.server.process.WorkerScrapes;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * A supervisor and {@code processes} worker JVMs; each worker binds its own {@code SO_REUSEPORT} sockets on the one
 * port and runs the reuseport topology inside ({@code listeners}, {@code workersPerListener}: 0 is shared-nothing,
 * {@code listeners: 1, workersPerListener: N} the single-acceptor shape with the same thread names). The kernel
 * spreads connections across every socket of every process; the master never touches one. nginx with
 * {@code reuseport}, one worker process per CPU.
 */
public final class ProcessReusePortTopology implements Topology {
    private final ServerConfig config;
    private final TransportChoice transport;
    private final WorkerFiles files = WorkerFiles.create();
    private final Supervisor supervisor;
    private final Path workerConfig;
    private volatile boolean draining;

    public ProcessReusePortTopology(ServerConfig config, ServerMetrics metrics) {
        this.config = config;
        this.transport = TransportChoice.resolve(config.transport(), TopologyKind.PROCESS_REUSEPORT);
        TopologyConfig t = config.topology();
        this.workerConfig = writeWorkerConfig(config.bind().port());
        this.supervisor = new Supervisor("worker", t.processes(), t.maxRestarts(),
                // Nothing to wire when a worker comes or goes: the kernel finds (and forgets) its sockets by itself.
                slot -> List.of("reuseport", workerConfig.toString()), new Supervisor.Listener() { });
    }

    private Path writeWorkerConfig(int port) {
        TopologyConfig t = config.topology();
        TopologyConfig inner = new TopologyConfig(TopologyKind.REUSEPORT, null, t.listeners(), t.workersPerListener(),
                null, null, null, null, null, null, null, null, null, t.acceptBatch(), t.backlog(), t.deferAccept());
        return files.writeConfig("worker", WorkerFiles.workerConfig(config, inner, port, true));
    }

    @Override
    public InetSocketAddress start() throws InterruptedException {
        int port = config.bind().port();
        int first = 0;
        if (port == 0) {
            // The first worker picks the ephemeral port; every other one (and every restart) must join that port.
            port = supervisor.start(0, 1).get(0).port();
            writeWorkerConfig(port);
            first = 1;
        }
        supervisor.start(first, config.topology().processes());
        return new InetSocketAddress(config.bind().host(), port);
    }

    @Override
    public Map<String, Object> report() {
        return Map.of("workers", supervisor.report());
    }

    @Override
    public String scrape(String own) {
        return WorkerScrapes.metrics(own, supervisor.metrics(), supervisor.workers());
    }

    @Override
    public CompletableFuture<String> failure() {
        return supervisor.failure();
    }

    /** The workers close their listeners, drain and exit; the master has nothing of its own to close. */
    @Override
    public void stop(Duration drainTimeout) throws InterruptedException {
        draining = true;
        supervisor.stop(drainTimeout);
        files.deleteAll();
    }

    @Override
    public TopologyKind kind() {
        return TopologyKind.PROCESS_REUSEPORT;
    }

    @Override
    public String transport() {
        return transport.name();
    }

    @Override
    public boolean draining() {
        return draining;
    }
}
