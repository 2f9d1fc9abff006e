package dev.topo.server.topology;

import dev.topo.config.ProcessPool;
import dev.topo.config.ServerConfig;
import dev.topo.server.listen.ListeningSockets;
import dev.topo.server.metrics.ServerMetrics;
import dev.topo.server.process.Supervisor;
import dev.topo.server.process.WorkerProcess;
import dev.topo.server.process.WorkerScrapes;
import java.time.Duration;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A master whose workers are a pool kept running by a {@link Supervisor} (process-reuseport, process-fd-passing,
 * process-shared-listener): the pool is what is reported, scraped, drained, and what fails the server when it gives
 * up. A dynamic pool ({@link ProcessPool#dynamic()}) is resized once a second by {@link PoolScaler}.
 */
abstract class SupervisedTopology extends MasterTopology {
    private static final Logger log = LoggerFactory.getLogger(SupervisedTopology.class);
    private static final Duration SCALE_INTERVAL = Duration.ofSeconds(1);

    final ProcessPool pool;
    private final AtomicLong grown = new AtomicLong();
    private final AtomicLong shrunk = new AtomicLong();
    private volatile int lastBusy;
    private ScheduledExecutorService scaler;

    SupervisedTopology(ServerConfig config, ServerMetrics metrics, ListeningSockets sockets, ProcessPool pool) {
        super(config, metrics, sockets);
        this.pool = pool;
    }

    /** The subclass's supervisor: built in its constructor, as its workers' arguments refer to its files. */
    abstract Supervisor supervisor();

    /** Once the first workers serve: a dynamic pool starts resizing. */
    final void startScaling() {
        if (!pool.dynamic()) {
            return;
        }
        scaler = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "topo-pool");
            t.setDaemon(true);
            return t;
        });
        scaler.scheduleWithFixedDelay(this::scale, SCALE_INTERVAL.toMillis(), SCALE_INTERVAL.toMillis(),
                TimeUnit.MILLISECONDS);
    }

    private void scale() {
        try {
            List<Integer> running = supervisor().runningSlots();
            Set<Integer> busy = busySlots(running);
            lastBusy = busy.size();
            int active = supervisor().activeSlots();
            switch (PoolScaler.decide(pool, active, busy.size())) {
                case GROW -> {
                    int slot = supervisor().grow();
                    if (slot >= 0) {
                        grown.incrementAndGet();
                        log.info("pool: {} busy of {}, fewer than {} idle: starting a worker in slot {}", busy.size(),
                                active, pool.minSpare(), slot);
                    }
                }
                case SHRINK -> {
                    for (int i = running.size() - 1; i >= 0; i--) {
                        int slot = running.get(i);
                        if (!busy.contains(slot)) {
                            leaving(slot);
                            supervisor().retire(slot);
                            shrunk.incrementAndGet();
                            log.info("pool: {} idle of {}, more than {}: slot {} leaves", active - busy.size(),
                                    active, pool.maxSpare(), slot);
                            break;
                        }
                    }
                }
                case HOLD -> { }
            }
        } catch (RuntimeException e) {
            log.warn("pool: resizing failed: {}", e.getMessage(), e);
        }
    }

    /**
     * The slots whose worker is busy (a request in progress), among {@code running}: asked of each worker's own
     * {@code /topology}, all at once.
     */
    private Set<Integer> busySlots(List<Integer> running) {
        List<WorkerProcess> workers = supervisor().workers();
        List<Map<String, Object>> docs = WorkerScrapes.topologies(workers);
        Set<Integer> busy = new HashSet<>();
        for (int slot : running) {
            Object requests = docs.get(slot).get("requestsInProgress");
            if (requests instanceof Number n && n.longValue() > 0) {
                busy.add(slot);
            }
        }
        return busy;
    }

    /** Before a slot's worker leaves the pool: whatever hands it work stops doing so. */
    void leaving(int slot) {
    }

    @Override
    public Map<String, Object> report() {
        Map<String, Object> doc = new LinkedHashMap<>();
        doc.put("workers", supervisor().report());
        doc.put("standby", supervisor().standbyReport());
        if (pool.dynamic()) {
            Map<String, Object> p = new LinkedHashMap<>();
            p.put("min", pool.min());
            p.put("max", pool.max());
            p.put("minSpare", pool.minSpare());
            p.put("maxSpare", pool.maxSpare());
            p.put("active", supervisor().activeSlots());
            p.put("busy", lastBusy);
            p.put("grown", grown.get());
            p.put("shrunk", shrunk.get());
            doc.put("pool", p);
        }
        return doc;
    }

    @Override
    String masterMetrics() {
        String own = supervisor().metrics();
        if (!pool.dynamic()) {
            return own;
        }
        return own + "# HELP topo_pool_workers Worker processes in the dynamic pool, started or running\n"
                + "# TYPE topo_pool_workers gauge\n"
                + "topo_pool_workers " + supervisor().activeSlots() + "\n"
                + "# HELP topo_pool_busy_workers Workers with a request in progress at the last resize check\n"
                + "# TYPE topo_pool_busy_workers gauge\n"
                + "topo_pool_busy_workers " + lastBusy + "\n"
                + "# HELP topo_pool_changes_total Times the dynamic pool grew or shrank\n"
                + "# TYPE topo_pool_changes_total counter\n"
                + "topo_pool_changes_total{change=\"grow\"} " + grown.get() + "\n"
                + "topo_pool_changes_total{change=\"shrink\"} " + shrunk.get() + "\n";
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
        if (scaler != null) {
            scaler.shutdownNow();
        }
        supervisor().stop(drainTimeout);
    }
}
