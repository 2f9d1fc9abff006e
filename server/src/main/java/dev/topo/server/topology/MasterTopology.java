package dev.topo.server.topology;

import dev.topo.config.ServerConfig;
import dev.topo.server.metrics.ServerMetrics;
import dev.topo.server.process.WorkerFiles;
import dev.topo.server.process.WorkerProcess;
import dev.topo.server.process.WorkerScrapes;
import io.netty.channel.Channel;
import java.time.Duration;
import java.util.List;

/**
 * The master's side of every multi-process kind: its private directory of worker files, its draining state, the
 * stop sequence (listeners, then workers, then its own loops, then its files) and {@code /metrics} merged from its
 * workers. Each kind adds only how it starts, feeds and reports its workers.
 */
abstract class MasterTopology extends EventLoopTopology {
    final WorkerFiles files = WorkerFiles.create();
    /** Set as the stop begins, before the workers drain: the master's own loops stop only at the end. */
    private volatile boolean draining;

    MasterTopology(ServerConfig config, ServerMetrics metrics) {
        super(config, metrics);
    }

    /** Lets every worker finish its requests within {@code drainTimeout}, then stops it. */
    abstract void stopWorkers(Duration drainTimeout) throws InterruptedException;

    /** The workers whose own {@code /metrics} are merged into the master's. */
    abstract List<WorkerProcess> scrapedWorkers();

    /** Samples only the master knows, added under {@code worker="master"}. */
    String masterMetrics() {
        return "";
    }

    @Override
    public final String scrape(String own) {
        return WorkerScrapes.metrics(own, masterMetrics(), scrapedWorkers());
    }

    /** The master's listeners close first (new connections are refused); then the workers drain; then the rest. */
    @Override
    public final void stop(Duration drainTimeout) throws InterruptedException {
        draining = true;
        for (Channel listener : resources.listeners()) {
            listener.close().await();
        }
        stopWorkers(drainTimeout);
        resources.stop(Duration.ZERO);
        files.deleteAll();
    }

    @Override
    public boolean draining() {
        return draining;
    }
}
