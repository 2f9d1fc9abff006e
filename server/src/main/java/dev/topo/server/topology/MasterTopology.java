package dev.topo.server.topology;

import dev.topo.config.ServerConfig;
import dev.topo.server.listen.ListeningSockets;
import dev.topo.server.metrics.ServerMetrics;
import dev.topo.server.process.WorkerFiles;
import dev.topo.server.process.WorkerProcess;
import dev.topo.server.process.WorkerScrapes;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.LongAdder;

/**
 * The master's side of every multi-process kind: its private directory of worker files, its draining state, the
 * stop sequence (listeners, then workers, then its own loops, then its files) and {@code /metrics} merged from its
 * workers. Each kind adds only how it starts, feeds and reports its workers.
 */
abstract class MasterTopology extends EventLoopTopology {
    final WorkerFiles files = WorkerFiles.create();
    private final LongAdder servedByExited = new LongAdder();
    /** Exit reports not in yet; each leaves the set when it arrives (a per-connection master makes millions). */
    private final Set<CompletableFuture<Long>> exitReports = ConcurrentHashMap.newKeySet();
    /** Set as the stop begins, before the workers drain: the master's own loops stop only at the end. */
    private volatile boolean draining;

    MasterTopology(ServerConfig config, ServerMetrics metrics, ListeningSockets sockets) {
        super(config, metrics, sockets);
    }

    /** Lets every worker finish its requests within {@code drainTimeout}, then stops it. */
    abstract void stopWorkers(Duration drainTimeout) throws InterruptedException;

    /** The workers whose own {@code /metrics} are merged into the master's. */
    abstract List<WorkerProcess> scrapedWorkers();

    /** Counts what {@code worker} says it answered, once it exits; callable from any thread, before or after. */
    final void countServedAtExit(WorkerProcess worker) {
        CompletableFuture<Long> report = worker.served();
        exitReports.add(report);
        report.whenComplete((n, e) -> {
            if (n != null) {
                servedByExited.add(n);
            }
            exitReports.remove(report);
        });
    }

    @Override
    public final long requestsServedByExitedWorkers() {
        try {
            // The last lines of workers that just exited may still be on their way through the pipe.
            CompletableFuture.allOf(exitReports.toArray(CompletableFuture[]::new)).get(2, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException | TimeoutException e) {
            // a worker still running: count what has been reported
        }
        return servedByExited.sum();
    }

    /** Samples only the master knows, added under {@code worker="master"}. */
    String masterMetrics() {
        return "";
    }

    @Override
    public final String scrape(String own) {
        return WorkerScrapes.metrics(own, masterMetrics(), scrapedWorkers());
    }

    /**
     * The master stops accepting first (a master that accepts; where the workers accept, they stop as they drain);
     * then the workers drain; then the rest.
     */
    @Override
    public final void stop(Duration drainTimeout) throws InterruptedException {
        draining = true;
        resources.stopAccepting();
        stopWorkers(drainTimeout);
        resources.stop(Duration.ZERO);
        files.deleteAll();
    }

    @Override
    public boolean draining() {
        return draining;
    }
}
