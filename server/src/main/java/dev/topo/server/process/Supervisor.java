package dev.topo.server.process;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps {@code processes} worker JVMs running, one per slot, plus {@code standby} started and ready but given no
 * work (php-fpm's spare servers). A slot whose worker exits takes a ready standby at once, the time it takes the
 * topology to wire it (milliseconds, not a JVM start), and a new standby is started behind it; without one, the slot
 * is started again after a backoff (100 ms, doubling up to 10 s, for workers that keep dying young). A slot whose
 * worker died within a minute of its start more than {@code maxRestarts} times in a row is given up, and with it the
 * server: {@link #failure()} completes and the master exits non-zero rather than serve on silently with fewer
 * workers.
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
    private final Function<String, List<String>> args;
    private final Listener listener;
    private final Slot[] slots;
    private final int standbyCount;
    /** Ready standby workers, oldest first; guarded by this. */
    private final Deque<WorkerProcess> standby = new ArrayDeque<>();
    /** Standby workers started and not yet ready or dead; guarded by this. */
    private int standbyStarting;
    /** Every standby worker alive and not promoted, ready or not; guarded by this. */
    private final List<WorkerProcess> standbyAlive = new ArrayList<>();
    private int standbyLaunched;
    private final RestartPolicy standbyPolicy;
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "topo-supervisor");
        t.setDaemon(true);
        return t;
    });
    private final CompletableFuture<String> failure = new CompletableFuture<>();
    /** Cleared by {@link #stop}: from then on a worker that exits stays down. */
    private volatile boolean restarting = true;

    /**
     * @param args    the worker's arguments, given its name ({@code worker-0}, {@code standby-1}), asked at each start
     * @param standby workers kept ready beside the slots, to replace one that dies without a JVM start
     */
    public Supervisor(String role, int processes, int standby, int maxRestarts, Function<String, List<String>> args,
            Listener listener) {
        this.role = role;
        this.maxRestarts = maxRestarts;
        this.args = args;
        this.listener = listener;
        this.standbyCount = standby;
        this.standbyPolicy = new RestartPolicy(Integer.MAX_VALUE, RestartPolicy.YOUNG);
        this.slots = new Slot[processes];
        for (int i = 0; i < processes; i++) {
            slots[i] = new Slot(i, new RestartPolicy(maxRestarts, RestartPolicy.YOUNG));
        }
    }

    private static final class Slot {
        final int index;
        volatile WorkerProcess worker;
        volatile String state = "unused";
        volatile int restarts;
        volatile Integer lastExitCode;
        final RestartPolicy policy;
        /** Set once its worker was ready: from then on the slot is restarted whenever its worker exits. */
        volatile boolean readyOnce;
        /** When its current worker started, or took the slot over from standby: its age when it dies. */
        volatile long since;
        /** When its last worker exited: how long the slot went without one. */
        volatile long diedAt;
        /** Stopped on purpose (a dynamic pool shrank): its worker is not replaced when it exits. */
        volatile boolean retired;

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
        if (to == slots.length) {
            // Behind the slots: the first workers get the CPU, the standby only has to be ready by the first death.
            synchronized (this) {
                while (standby.size() + standbyStarting < standbyCount) {
                    launchStandby();
                }
            }
        }
        return result;
    }

    /** Guarded by this. */
    private void launchStandby() {
        if (!restarting) {
            return;
        }
        String name = "standby-" + (++standbyLaunched);
        WorkerProcess worker;
        try {
            worker = WorkerProcess.start(name, args.apply(name));
        } catch (UncheckedIOException e) {
            log.error("cannot start a standby worker: {}", e.getMessage());
            return;
        }
        standbyStarting++;
        standbyAlive.add(worker);
        log.info("started {} (pid {}), on standby", name, worker.pid());
        worker.ready().whenComplete((ready, e) -> {
            synchronized (this) {
                standbyStarting--;
                if (e == null && worker.alive() && restarting) {
                    standby.add(worker);
                }
            }
        });
        worker.onExit().thenAccept(code -> standbyExited(worker, code));
    }

    private void standbyExited(WorkerProcess worker, int code) {
        synchronized (this) {
            standby.remove(worker);
            if (!standbyAlive.remove(worker) || !restarting) {
                return;
            }
            long backoff = standbyPolicy.onDeath(worker.uptime());
            log.warn("{} (pid {}) exited on standby with code {}; another in {} ms", worker.name(), worker.pid(), code,
                    backoff);
            timer.schedule(() -> {
                synchronized (this) {
                    if (standby.size() + standbyStarting < standbyCount) {
                        launchStandby();
                    }
                }
            }, backoff, TimeUnit.MILLISECONDS);
        }
    }

    /** A ready standby worker for {@code slot}, wired by the topology, or null when none is ready. */
    private WorkerProcess promote(Slot slot) {
        WorkerProcess worker;
        synchronized (this) {
            worker = standby.poll();
            if (worker == null) {
                return null;
            }
            standbyAlive.remove(worker);
            launchStandby();
        }
        slot.worker = worker;
        slot.since = System.nanoTime();
        worker.onExit().thenAccept(code -> exited(slot, worker, code));
        listener.ready(slot.index, worker);
        slot.state = "running";
        log.info("{} (pid {}) serves slot {} again, {} ms after its worker exited (a standby took over)",
                worker.name(), worker.pid(), slot.index, (System.nanoTime() - slot.diedAt) / 1_000_000);
        return worker;
    }

    private CompletableFuture<WorkerProcess.Ready> launch(Slot slot) {
        String name = role + "-" + slot.index;
        WorkerProcess worker = WorkerProcess.start(name, args.apply(name));
        slot.worker = worker;
        slot.since = System.nanoTime();
        slot.state = "starting";
        log.info("started {} (pid {}){}", name, worker.pid(),
                slot.restarts == 0 ? "" : ", restart " + slot.restarts);
        worker.onExit().thenAccept(code -> exited(slot, worker, code));
        return worker.ready().thenApply(ready -> {
            // Wired first (fd-passing connects its handoff channel), so that "running" means it gets connections.
            listener.ready(slot.index, worker);
            slot.state = "running";
            if (slot.readyOnce) {
                log.info("{} (pid {}) serves slot {} again, {} ms after its worker exited (a new process)",
                        worker.name(), worker.pid(), slot.index, (System.nanoTime() - slot.diedAt) / 1_000_000);
            }
            slot.readyOnce = true;
            return ready;
        });
    }

    private void exited(Slot slot, WorkerProcess worker, int code) {
        slot.diedAt = System.nanoTime();
        slot.lastExitCode = code;
        listener.exited(slot.index, worker);
        if (slot.retired) {
            slot.state = "stopped";
            log.info("{} (pid {}) left the pool (exit code {})", worker.name(), worker.pid(), code);
            return;
        }
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
            long backoff = slot.policy.onDeath(Duration.ofNanos(System.nanoTime() - slot.since));
            if (backoff < 0) {
                slot.state = "failed";
                String reason = role + "-" + slot.index + " died " + slot.policy.diedYoungInARow()
                        + " times in a row within "
                        + RestartPolicy.YOUNG.toSeconds() + " s of its start (topology.maxRestarts: " + maxRestarts
                        + ")";
                log.error("{} (pid {}) exited with code {}; giving up: {}", worker.name(), worker.pid(), code, reason);
                failure.complete(reason);
                return;
            }
            slot.restarts++;
            log.warn("{} (pid {}) exited with code {}", worker.name(), worker.pid(), code);
            if (promote(slot) != null) {
                return;
            }
            slot.state = "restarting";
            log.warn("no standby worker ready for slot {}: starting one in {} ms", slot.index, backoff);
            timer.schedule(() -> restart(slot), backoff, TimeUnit.MILLISECONDS);
        }
    }

    /** Synchronized with {@link #stop}: a worker launched after the stop collected its workers would be missed. */
    private synchronized void restart(Slot slot) {
        if (!restarting) {
            return;
        }
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

    /**
     * A dynamic pool grows: a worker is started in the first slot that has none (or whose worker left the pool).
     * Returns the slot, or -1 when every slot is taken.
     */
    public synchronized int grow() {
        if (!restarting) {
            return -1;
        }
        for (Slot slot : slots) {
            // A slot never used, or whose worker left the pool or never got ready (a restart is another matter).
            if (slot.worker == null || !slot.worker.alive() && !"restarting".equals(slot.state)) {
                slot.retired = false;
                slot.readyOnce = false;
                launch(slot);
                return slot.index;
            }
        }
        return -1;
    }

    /** A dynamic pool shrinks: {@code slot}'s worker drains (its requests finish) and is not replaced. */
    public synchronized void retire(int slot) {
        Slot s = slots[slot];
        if (s.worker == null || s.retired) {
            return;
        }
        s.retired = true;
        s.state = "leaving";
        s.worker.drain();
    }

    /** The slots whose worker is running and not leaving the pool. */
    public List<Integer> runningSlots() {
        List<Integer> running = new ArrayList<>();
        for (Slot s : slots) {
            if (!s.retired && "running".equals(s.state)) {
                running.add(s.index);
            }
        }
        return running;
    }

    /** The slots in the pool: running, or started and not yet ready (a pool counts those as idle to come). */
    public int activeSlots() {
        int active = 0;
        for (Slot s : slots) {
            active += !s.retired && s.worker != null && s.worker.alive() ? 1 : 0;
        }
        return active;
    }

    /** The standby workers: name, pid and whether each is ready to take a slot over. */
    public synchronized List<Map<String, Object>> standbyReport() {
        List<Map<String, Object>> list = new ArrayList<>();
        for (WorkerProcess w : standbyAlive) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("name", w.name());
            m.put("pid", w.pid());
            m.put("state", standby.contains(w) ? "ready" : "starting");
            list.add(m);
        }
        return list;
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
        int ready;
        synchronized (this) {
            ready = standby.size();
        }
        s.append("# HELP topo_workers_standby Worker processes ready on standby to take over a slot\n")
                .append("# TYPE topo_workers_standby gauge\n")
                .append("topo_workers_standby ").append(ready).append('\n');
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
            live.addAll(standbyAlive);
            standbyAlive.clear();
            standby.clear();
        }
        WorkerProcess.drainAll(live, drainTimeout);
    }
}
