package dev.topo.server.process;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.IntFunction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps {@code processes} worker JVMs running, one per slot. A worker that exits while the supervisor runs is started
 * again after a backoff (100 ms, doubling up to 10 s, for workers that keep dying young); a slot whose worker died
 * within a minute of its start more than {@code maxRestarts} times in a row is given up, and with it the server:
 * {@link #failure()} completes and the master exits non-zero rather than serve on silently with fewer workers.
 */
public final class Supervisor {
    private static final Logger log = LoggerFactory.getLogger(Supervisor.class);

    /** What the topology does when a slot's worker becomes ready or exits (connect or drop its fd channel). */
    public interface Listener {
        default void ready(int slot, WorkerProcess worker) {
        }

        default void exited(int slot, WorkerProcess worker) {
        }
    }

    private final String role;
    private final int maxRestarts;
    private final IntFunction<List<String>> args;
    private final Listener listener;
    private final Slot[] slots;
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "topo-supervisor");
        t.setDaemon(true);
        return t;
    });
    private final CompletableFuture<String> failure = new CompletableFuture<>();
    /** Cleared by {@link #stop}: from then on a worker that exits stays down. */
    private volatile boolean restarting = true;

    /** @param args the worker's arguments for a slot, asked again at each restart */
    public Supervisor(String role, int processes, int maxRestarts, IntFunction<List<String>> args,
            Listener listener) {
        this.role = role;
        this.maxRestarts = maxRestarts;
        this.args = args;
        this.listener = listener;
        this.slots = new Slot[processes];
        for (int i = 0; i < processes; i++) {
            slots[i] = new Slot(i, new RestartPolicy(maxRestarts, RestartPolicy.YOUNG));
        }
    }

    private static final class Slot {
        final int index;
        volatile WorkerProcess worker;
        volatile String state = "starting";
        volatile int restarts;
        volatile Integer lastExitCode;
        final RestartPolicy policy;
        /** Set once its worker was ready: from then on the slot is restarted whenever its worker exits. */
        volatile boolean readyOnce;

        Slot(int index, RestartPolicy policy) {
            this.index = index;
            this.policy = policy;
        }
    }

    /**
     * Starts the workers of slots {@code from..to-1} and waits until each is ready. A worker failing here fails the
     * start (a port in use, a bad option): restarting it would only fail again.
     *
     * @return the ready state of each started slot, in order
     */
    public List<WorkerProcess.Ready> start(int from, int to) throws InterruptedException {
        List<CompletableFuture<WorkerProcess.Ready>> readies = new ArrayList<>();
        for (int i = from; i < to; i++) {
            readies.add(launch(slots[i]));
        }
        List<WorkerProcess.Ready> result = new ArrayList<>();
        for (CompletableFuture<WorkerProcess.Ready> r : readies) {
            try {
                result.add(r.get());
            } catch (ExecutionException e) {
                throw new UncheckedIOException(new IOException(e.getCause().getMessage(), e.getCause()));
            }
        }
        return result;
    }

    private CompletableFuture<WorkerProcess.Ready> launch(Slot slot) {
        String name = role + "-" + slot.index;
        WorkerProcess worker = WorkerProcess.start(name, args.apply(slot.index));
        slot.worker = worker;
        slot.state = "starting";
        log.info("started {} (pid {}){}", name, worker.pid(),
                slot.restarts == 0 ? "" : ", restart " + slot.restarts);
        worker.onExit().thenAccept(code -> exited(slot, worker, code));
        return worker.ready().thenApply(ready -> {
            // Wired first (fd-passing connects its handoff channel), so that "running" means it gets connections.
            listener.ready(slot.index, worker);
            slot.state = "running";
            slot.readyOnce = true;
            return ready;
        });
    }

    private void exited(Slot slot, WorkerProcess worker, int code) {
        slot.lastExitCode = code;
        listener.exited(slot.index, worker);
        if (!restarting) {
            slot.state = "stopped";
            log.info("{} (pid {}) exited with code {}", worker.name(), worker.pid(), code);
            return;
        }
        if (!slot.readyOnce) {
            // Its first start failed: start() reports that (a port in use or a bad option would only fail again).
            slot.state = "failed";
            log.info("{} (pid {}) exited with code {} before it was ever ready", worker.name(), worker.pid(), code);
            return;
        }
        synchronized (slot) {
            long backoff = slot.policy.onDeath(worker.uptime());
            if (backoff < 0) {
                slot.state = "failed";
                String reason = worker.name() + " died " + slot.policy.diedYoungInARow() + " times in a row within "
                        + RestartPolicy.YOUNG.toSeconds() + " s of its start (topology.maxRestarts: " + maxRestarts
                        + ")";
                log.error("{} (pid {}) exited with code {}; giving up: {}", worker.name(), worker.pid(), code, reason);
                failure.complete(reason);
                return;
            }
            slot.state = "restarting";
            log.warn("{} (pid {}) exited with code {}; restarting it in {} ms", worker.name(), worker.pid(), code,
                    backoff);
            timer.schedule(() -> restart(slot), backoff, TimeUnit.MILLISECONDS);
        }
    }

    /** Synchronized with {@link #stop}: a worker launched after the stop collected its workers would be missed. */
    private synchronized void restart(Slot slot) {
        if (!restarting) {
            return;
        }
        slot.restarts++;
        try {
            launch(slot);
        } catch (UncheckedIOException e) {
            log.error("cannot restart {}-{}: {}", role, slot.index, e.getMessage());
            slot.state = "failed";
            failure.complete(e.getMessage());
        }
    }

    /** Completes, with the reason, when the supervisor gave up on a worker. */
    public CompletableFuture<String> failure() {
        return failure;
    }

    /** The current worker of each slot (null before its first start). */
    public List<WorkerProcess> workers() {
        List<WorkerProcess> workers = new ArrayList<>();
        for (Slot s : slots) {
            workers.add(s.worker);
        }
        return workers;
    }

    /**
     * One entry per slot: pid, state, restarts, last exit code, admin port, and from the worker's own
     * {@code /topology} its open connections, requests served and listeners.
     */
    public List<Map<String, Object>> report() {
        List<Map<String, Object>> list = new ArrayList<>();
        List<WorkerProcess> workers = workers();
        List<Map<String, Object>> documents = WorkerScrapes.topologies(workers);
        for (Slot s : slots) {
            Map<String, Object> m = new LinkedHashMap<>();
            WorkerProcess w = workers.get(s.index);
            WorkerProcess.Ready ready = w == null ? null : w.readyNow();
            m.put("slot", s.index);
            m.put("pid", w == null ? null : w.pid());
            m.put("state", s.state);
            m.put("restarts", s.restarts);
            m.put("lastExitCode", s.lastExitCode);
            m.put("adminPort", ready == null ? null : ready.adminPort());
            Map<String, Object> own = documents.get(s.index);
            m.put("connections", own.get("activeConnections"));
            m.put("requests", own.get("requests"));
            m.put("listeners", own.get("listeners"));
            list.add(m);
        }
        return list;
    }

    /** Prometheus text: restarts per slot and workers running, for the master's {@code /metrics}. */
    public String metrics() {
        StringBuilder s = new StringBuilder();
        s.append("# HELP topo_worker_restarts_total Times the supervisor restarted each worker slot\n")
                .append("# TYPE topo_worker_restarts_total counter\n");
        int running = 0;
        for (Slot slot : slots) {
            s.append("topo_worker_restarts_total{slot=\"").append(slot.index).append("\"} ").append(slot.restarts)
                    .append('\n');
            running += "running".equals(slot.state) ? 1 : 0;
        }
        s.append("# HELP topo_workers_running Worker processes ready and serving\n")
                .append("# TYPE topo_workers_running gauge\n")
                .append("topo_workers_running ").append(running).append('\n');
        return s.toString();
    }

    /** Stops restarting, drains every worker (waiting up to {@code drainTimeout}), kills what is left. */
    public void stop(Duration drainTimeout) throws InterruptedException {
        List<WorkerProcess> live = new ArrayList<>();
        synchronized (this) {
            restarting = false;
            timer.shutdownNow();
            for (Slot s : slots) {
                if (s.worker != null) {
                    s.state = "draining";
                    live.add(s.worker);
                }
            }
        }
        WorkerProcess.drainAll(live, drainTimeout);
    }
}
