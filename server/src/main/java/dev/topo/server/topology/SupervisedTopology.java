package dev.topo.server.topology;

import dev.topo.config.ServerConfig;
import dev.topo.server.metrics.ServerMetrics;
import dev.topo.server.process.Supervisor;
import dev.topo.server.process.WorkerProcess;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * A master whose workers are a fixed pool kept running by a {@link Supervisor} (process-reuseport,
 * process-fd-passing): the pool is what is reported, scraped, drained, and what fails the server when it gives up.
 */
abstract class SupervisedTopology extends MasterTopology {

    SupervisedTopology(ServerConfig config, ServerMetrics metrics) {
        super(config, metrics);
    }

    /** The subclass's supervisor: built in its constructor, as its workers' arguments refer to its files. */
    abstract Supervisor supervisor();

    @Override
    public Map<String, Object> report() {
        Map<String, Object> doc = new LinkedHashMap<>();
        doc.put("workers", supervisor().report());
        doc.put("standby", supervisor().standbyReport());
        return doc;
    }

    @Override
    String masterMetrics() {
        return supervisor().metrics();
    }

    @Override
    List<WorkerProcess> scrapedWorkers() {
        return supervisor().workers();
    }

    @Override
    public CompletableFuture<String> failure() {
        return supervisor().failure();
    }

    @Override
    void stopWorkers(Duration drainTimeout) throws InterruptedException {
        supervisor().stop(drainTimeout);
    }
}
