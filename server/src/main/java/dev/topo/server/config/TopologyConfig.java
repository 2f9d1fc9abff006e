package dev.topo.server.config;

import com.fasterxml.jackson.databind.annotation.JsonDeserialize;
import java.util.Map;
import java.util.Set;

/**
 * The accept/IO model and its parameters. A parameter that the chosen kind does not use is an error rather than
 * silently ignored: {@code listeners: 4} on a single-acceptor server would otherwise look like it did something.
 *
 * @param workers            single-acceptor: worker loops ({@code auto} = CPUs the JVM sees, container-aware)
 * @param listeners          reuseport: SO_REUSEPORT sockets on the one address ({@code auto} = one per CPU)
 * @param workersPerListener reuseport: worker loops per listener; 0 = shared-nothing (the listener's loop serves)
 * @param acceptBatch        connections accepted per wake-up of a listening socket (Netty maxMessagesPerRead)
 * @param backlog            listen backlog (the kernel caps it at net.core.somaxconn)
 * @param deferAccept        wake the acceptor only when the first request bytes arrived (TCP_DEFER_ACCEPT, epoll)
 */
public record TopologyConfig(
        TopologyKind kind,
        @JsonDeserialize(using = CpuCountDeserializer.class) Integer workers,
        @JsonDeserialize(using = CpuCountDeserializer.class) Integer listeners,
        Integer workersPerListener,
        Integer acceptBatch,
        Integer backlog,
        Boolean deferAccept) {

    /** Which parameters each kind reads; everything else in this record applies to every kind. */
    static final Map<TopologyKind, Set<String>> PARAMETERS = Map.of(
            TopologyKind.SINGLE_ACCEPTOR, Set.of("workers"),
            TopologyKind.REUSEPORT, Set.of("listeners", "workersPerListener"));

    public TopologyConfig {
        kind = Check.orDefault(kind, TopologyKind.SINGLE_ACCEPTOR);
        rejectUnused(kind, "workers", workers);
        rejectUnused(kind, "listeners", listeners);
        rejectUnused(kind, "workersPerListener", workersPerListener);
        workers = Check.between("topology.workers", Check.orDefault(workers, CpuCountDeserializer.cpus()), 1, 1024);
        listeners = Check.between("topology.listeners", Check.orDefault(listeners, 1), 1, 256);
        workersPerListener = Check.between("topology.workersPerListener",
                Check.orDefault(workersPerListener, 1), 0, 1024);
        acceptBatch = Check.between("topology.acceptBatch", Check.orDefault(acceptBatch, 16), 1, 4096);
        backlog = Check.between("topology.backlog", Check.orDefault(backlog, 1024), 1, 1 << 20);
        deferAccept = Check.orDefault(deferAccept, false);
    }

    public static TopologyConfig of(TopologyKind kind) {
        return new TopologyConfig(kind, null, null, null, null, null, null);
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
                    .reduce((a, b) -> a + " or " + b)
                    .orElse("no kind");
            throw ConfigException.invalid("topology." + parameter, value,
                    "only with kind " + users + "; this is kind " + kind.yamlName());
        }
    }
}
