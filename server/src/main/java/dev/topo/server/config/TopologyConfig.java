package dev.topo.server.config;

import com.fasterxml.jackson.databind.annotation.JsonDeserialize;
import java.util.Map;
import java.util.Set;

/**
 * The accept/IO model and its parameters. A parameter that the chosen kind does not use is an error rather than
 * silently ignored: {@code listeners: 4} on a single-acceptor server would otherwise look like it did something.
 *
 * @param workers            single-acceptor: worker loops; thread-pool: pool threads ({@code auto} = CPUs the JVM
 *                           sees, container-aware)
 * @param listeners          reuseport: SO_REUSEPORT sockets on the one address ({@code auto} = one per CPU)
 * @param workersPerListener reuseport: worker loops per listener; 0 = shared-nothing (the listener's loop serves)
 * @param loops              shared-listener: loops that all watch the one listening socket
 * @param threads            thread-per-connection: platform or virtual threads
 * @param maxThreads         thread-per-connection: live connection threads at most; the acceptor waits beyond it
 * @param queue              thread-pool: accepted connections waiting for a pool thread
 * @param whenFull           thread-pool: reject (503) or block the acceptor when the queue is full
 * @param processes          process-reuseport, process-fd-passing: worker processes the supervisor keeps running
 *                           ({@code auto} = one per CPU)
 * @param dispatch           process-fd-passing: how the master picks the worker for each accepted connection
 * @param maxChildren        process-per-connection: live connection processes at most; the master stops accepting
 *                           beyond it
 * @param maxRestarts        process-reuseport, process-fd-passing: restarts of one worker in a row (each dying within
 *                           a minute of its start) after which the supervisor gives up and exits non-zero
 * @param acceptBatch        event-loop kinds: connections accepted per wake-up of a listening socket
 *                           (Netty maxMessagesPerRead)
 * @param backlog            listen backlog (the kernel caps it at net.core.somaxconn)
 * @param deferAccept        event-loop kinds: wake the acceptor only when the first request bytes arrived
 *                           (TCP_DEFER_ACCEPT, epoll)
 */
public record TopologyConfig(
        TopologyKind kind,
        @JsonDeserialize(using = CpuCountDeserializer.class) Integer workers,
        @JsonDeserialize(using = CpuCountDeserializer.class) Integer listeners,
        Integer workersPerListener,
        @JsonDeserialize(using = CpuCountDeserializer.class) Integer loops,
        ThreadKind threads,
        Integer maxThreads,
        Integer queue,
        WhenFull whenFull,
        @JsonDeserialize(using = CpuCountDeserializer.class) Integer processes,
        Dispatch dispatch,
        Integer maxChildren,
        Integer maxRestarts,
        Integer acceptBatch,
        Integer backlog,
        Boolean deferAccept) {

    private static final Set<String> EVENT_LOOP = Set.of("acceptBatch", "deferAccept");

    /** Which parameters each kind reads; a parameter no kind lists here ({@code backlog}) applies to every kind. */
    static final Map<TopologyKind, Set<String>> PARAMETERS = Map.of(
            TopologyKind.SINGLE_ACCEPTOR, with(EVENT_LOOP, "workers"),
            TopologyKind.REUSEPORT, with(EVENT_LOOP, "listeners", "workersPerListener"),
            TopologyKind.SHARED_LISTENER, with(EVENT_LOOP, "loops"),
            TopologyKind.ITERATIVE, Set.of(),
            TopologyKind.THREAD_PER_CONNECTION, Set.of("threads", "maxThreads"),
            TopologyKind.THREAD_POOL, Set.of("workers", "queue", "whenFull"),
            TopologyKind.PROCESS_REUSEPORT,
            with(EVENT_LOOP, "processes", "listeners", "workersPerListener", "maxRestarts"),
            TopologyKind.PROCESS_FD_PASSING, with(EVENT_LOOP, "processes", "workers", "dispatch", "maxRestarts"),
            TopologyKind.PROCESS_PER_CONNECTION, with(EVENT_LOOP, "maxChildren"));

    public TopologyConfig {
        kind = Check.orDefault(kind, TopologyKind.SINGLE_ACCEPTOR);
        rejectUnused(kind, "workers", workers);
        rejectUnused(kind, "listeners", listeners);
        rejectUnused(kind, "workersPerListener", workersPerListener);
        rejectUnused(kind, "loops", loops);
        rejectUnused(kind, "threads", threads);
        rejectUnused(kind, "maxThreads", maxThreads);
        rejectUnused(kind, "queue", queue);
        rejectUnused(kind, "whenFull", whenFull);
        rejectUnused(kind, "processes", processes);
        rejectUnused(kind, "dispatch", dispatch);
        rejectUnused(kind, "maxChildren", maxChildren);
        rejectUnused(kind, "maxRestarts", maxRestarts);
        rejectUnused(kind, "acceptBatch", acceptBatch);
        rejectUnused(kind, "deferAccept", deferAccept);
        workers = Check.between("topology.workers", Check.orDefault(workers, CpuCountDeserializer.cpus()), 1, 4096);
        listeners = Check.between("topology.listeners", Check.orDefault(listeners, 1), 1, 256);
        // Inside a process-reuseport worker the shared-nothing shape is the default: processes already spread the load.
        workersPerListener = Check.between("topology.workersPerListener",
                Check.orDefault(workersPerListener, kind == TopologyKind.PROCESS_REUSEPORT ? 0 : 1), 0, 1024);
        loops = Check.between("topology.loops", Check.orDefault(loops, CpuCountDeserializer.cpus()), 1, 256);
        threads = Check.orDefault(threads, ThreadKind.PLATFORM);
        maxThreads = Check.between("topology.maxThreads",
                Check.orDefault(maxThreads, threads == ThreadKind.PLATFORM ? 1024 : 1_000_000), 1, 1_000_000);
        queue = Check.between("topology.queue", Check.orDefault(queue, 128), 1, 1 << 20);
        whenFull = Check.orDefault(whenFull, WhenFull.REJECT);
        processes = Check.between("topology.processes", Check.orDefault(processes, CpuCountDeserializer.cpus()), 1,
                64);
        dispatch = Check.orDefault(dispatch, Dispatch.ROUND_ROBIN);
        maxChildren = Check.between("topology.maxChildren", Check.orDefault(maxChildren, 16), 1, 1024);
        maxRestarts = Check.between("topology.maxRestarts", Check.orDefault(maxRestarts, 5), 0, 1000);
        acceptBatch = Check.between("topology.acceptBatch", Check.orDefault(acceptBatch, 16), 1, 4096);
        backlog = Check.between("topology.backlog", Check.orDefault(backlog, 1024), 1, 1 << 20);
        deferAccept = Check.orDefault(deferAccept, false);
    }

    public static TopologyConfig of(TopologyKind kind) {
        return new TopologyConfig(kind, null, null, null, null, null, null, null, null, null, null, null, null, null,
                null, null);
    }

    private static Set<String> with(Set<String> base, String... more) {
        Set<String> all = new java.util.HashSet<>(base);
        all.addAll(Set.of(more));
        return Set.copyOf(all);
    }

    /** True when {@code parameter} means something for {@code kind}. */
    public static boolean uses(TopologyKind kind, String parameter) {
        return PARAMETERS.values().stream().noneMatch(p -> p.contains(parameter))
                || PARAMETERS.getOrDefault(kind, Set.of()).contains(parameter);
    }

    private static void rejectUnused(TopologyKind kind, String parameter, Object value) {
        if (value != null && !uses(kind, parameter)) {
            String users = PARAMETERS.entrySet().stream()
                    .filter(e -> e.getValue().contains(parameter))
                    .map(e -> e.getKey().yamlName())
                    .sorted()
                    .reduce((a, b) -> a + ", " + b)
                    .orElse("no kind");
            throw ConfigException.invalid("topology." + parameter, value,
                    "only with kind " + users + "; this is kind " + kind.yamlName());
        }
    }
}
