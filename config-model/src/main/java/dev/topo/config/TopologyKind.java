package dev.topo.config;

import com.fasterxml.jackson.annotation.JsonValue;
import java.lang.reflect.RecordComponent;
import java.util.Arrays;
import java.util.List;

/**
 * The accept/IO models Topo can run: the registry of kinds. Each constant is everything the configuration knows of a
 * kind (its YAML name, the record of its parameters, how it serves connections, what it needs); the server maps each
 * kind to its class in one exhaustive switch, so a new constant that has no class does not compile.
 */
public enum TopologyKind implements YamlEnum {
    /** One listening socket on one boss loop; accepted connections go to a pool of worker loops. */
    SINGLE_ACCEPTOR("single-acceptor", SingleAcceptorParameters.class, ServedBy.EVENT_LOOPS, "workers", false),
    /** N SO_REUSEPORT sockets on one address, each with its own boss/worker loops; the kernel spreads connections. */
    REUSEPORT("reuseport", ReusePortParameters.class, ServedBy.EVENT_LOOPS, "workersPerListener", true),
    /** Prefork: one listening socket watched by N loops at once; each accepts (thundering herd) and serves. */
    SHARED_LISTENER("shared-listener", SharedListenerParameters.class, ServedBy.EVENT_LOOPS, "loops", true),
    /** One thread: blocking accept, serve that connection to its end, then the next. */
    ITERATIVE("iterative", IterativeParameters.class, ServedBy.BLOCKING_THREADS, "workers", false),
    /** A blocking acceptor thread and a new (platform or virtual) thread for each connection. */
    THREAD_PER_CONNECTION("thread-per-connection", ThreadPerConnectionParameters.class, ServedBy.BLOCKING_THREADS,
            "workers", false),
    /** A blocking acceptor hands connections to a fixed pool of blocking worker threads through a bounded queue. */
    THREAD_POOL("thread-pool", ThreadPoolParameters.class, ServedBy.BLOCKING_THREADS, "workers", false),
    /** A supervisor and N worker processes, each binding its own SO_REUSEPORT socket and running reuseport inside. */
    PROCESS_REUSEPORT("process-reuseport", ProcessReusePortParameters.class, ServedBy.WORKER_PROCESSES,
            "workersPerListener", true),
    /** Prefork across processes: N worker processes whose loops all watch the master's one listening socket. */
    PROCESS_SHARED_LISTENER("process-shared-listener", ProcessSharedListenerParameters.class,
            ServedBy.WORKER_PROCESSES, "loops", true),
    /** The master accepts and passes each connection's fd to one of N worker processes over a Unix socket. */
    PROCESS_FD_PASSING("process-fd-passing", ProcessFdPassingParameters.class, ServedBy.WORKER_PROCESSES, "workers",
            true),
    /** The master accepts and starts a fresh worker process for each connection, which serves it and exits. */
    PROCESS_PER_CONNECTION("process-per-connection", ProcessPerConnectionParameters.class, ServedBy.WORKER_PROCESSES,
            "workers", true);

    /** Where a kind's connections are served, which decides the options that apply to it. */
    public enum ServedBy {
        /** Netty event loops in this process: accept options and offloaded handlers apply. */
        EVENT_LOOPS,
        /** JDK blocking threads: one thread holds a connection, so offloading has nothing to free. */
        BLOCKING_THREADS,
        /** Worker processes a supervisor starts; they run event loops, so the event-loop options apply too. */
        WORKER_PROCESSES
    }

    private final String yamlName;
    private final Class<? extends TopologyParameters> parameters;
    private final ServedBy servedBy;
    private final String workersKey;
    private final boolean needsNativeTransport;

    TopologyKind(String yamlName, Class<? extends TopologyParameters> parameters, ServedBy servedBy,
            String workersKey, boolean needsNativeTransport) {
        this.yamlName = yamlName;
        this.parameters = parameters;
        this.servedBy = servedBy;
        this.workersKey = workersKey;
        this.needsNativeTransport = needsNativeTransport;
    }

    @JsonValue
    @Override
    public String yamlName() {
        return yamlName;
    }

    /** The record that holds this kind's own parameters (those under {@code topology:} besides the listen options). */
    public Class<? extends TopologyParameters> parameters() {
        return parameters;
    }

    public ServedBy servedBy() {
        return servedBy;
    }

    /** The parameter {@code --workers} sets for this kind (loops or threads that serve connections). */
    public String workersKey() {
        return workersKey;
    }

    /**
     * True when Java NIO cannot express the kind: it has no SO_REUSEPORT, no channel over an existing fd and no Unix
     * socket that carries fds.
     */
    public boolean needsNativeTransport() {
        return needsNativeTransport;
    }

    /** True for the kinds that start a JVM for every connection: far too slow for load scenarios by design. */
    public boolean startsProcessPerConnection() {
        return this == PROCESS_PER_CONNECTION;
    }

    /** The names of this kind's own parameters, in the record's order. */
    public List<String> parameterNames() {
        return Arrays.stream(parameters.getRecordComponents()).map(RecordComponent::getName).toList();
    }

    /** True when {@code key} under {@code topology:} means something for this kind. */
    public boolean uses(String key) {
        return key.equals("kind") || parameterNames().contains(key) || ListenOptions.appliesTo(key, this);
    }

    /** This kind's parameters with every default: the record built from nothing. */
    public TopologyParameters defaults() {
        RecordComponent[] components = parameters.getRecordComponents();
        Class<?>[] types = Arrays.stream(components).map(RecordComponent::getType).toArray(Class<?>[]::new);
        try {
            return parameters.getDeclaredConstructor(types).newInstance(new Object[components.length]);
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException(parameters + " must be a record whose fields default when null", e);
        }
    }

    /** The kind written {@code yamlName}, or null when none is. */
    public static TopologyKind named(String yamlName) {
        for (TopologyKind kind : values()) {
            if (kind.yamlName.equals(yamlName)) {
                return kind;
            }
        }
        return null;
    }

    /** The kind whose parameters {@code type} holds. */
    public static TopologyKind of(Class<? extends TopologyParameters> type) {
        for (TopologyKind kind : values()) {
            if (kind.parameters == type) {
                return kind;
            }
        }
        throw new IllegalArgumentException(type + " is no kind's parameters");
    }
}
