package dev.topo.server.config;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonValue;

/** The accept/IO models Topo can run. */
public enum TopologyKind implements YamlEnum {
    /** One listening socket on one boss loop; accepted connections go to a pool of worker loops. */
    @JsonProperty("single-acceptor") SINGLE_ACCEPTOR("single-acceptor"),
    /** N SO_REUSEPORT sockets on one address, each with its own boss/worker loops; the kernel spreads connections. */
    @JsonProperty("reuseport") REUSEPORT("reuseport"),
    /** Prefork: one listening socket watched by N loops at once; each accepts (thundering herd) and serves. */
    @JsonProperty("shared-listener") SHARED_LISTENER("shared-listener"),
    /** One thread: blocking accept, serve that connection to its end, then the next. */
    @JsonProperty("iterative") ITERATIVE("iterative"),
    /** A blocking acceptor thread and a new (platform or virtual) thread for each connection. */
    @JsonProperty("thread-per-connection") THREAD_PER_CONNECTION("thread-per-connection"),
    /** A blocking acceptor hands connections to a fixed pool of blocking worker threads through a bounded queue. */
    @JsonProperty("thread-pool") THREAD_POOL("thread-pool"),
    /** A supervisor and N worker processes, each binding its own SO_REUSEPORT socket and running reuseport inside. */
    @JsonProperty("process-reuseport") PROCESS_REUSEPORT("process-reuseport"),
    /** The master accepts and passes each connection's fd to one of N worker processes over a Unix socket. */
    @JsonProperty("process-fd-passing") PROCESS_FD_PASSING("process-fd-passing"),
    /** The master accepts and starts a fresh worker process for each connection, which serves it and exits. */
    @JsonProperty("process-per-connection") PROCESS_PER_CONNECTION("process-per-connection");

    private final String yamlName;

    TopologyKind(String yamlName) {
        this.yamlName = yamlName;
    }

    @JsonValue
    @Override
    public String yamlName() {
        return yamlName;
    }

    /**
     * True for the in-process kinds built on Netty event loops; the blocking ones serve each connection on a blocking
     * thread, and the multi-process ones ({@link #multiProcess()}) run event loops in their worker processes.
     */
    public boolean eventLoops() {
        return this == SINGLE_ACCEPTOR || this == REUSEPORT || this == SHARED_LISTENER;
    }

    /** True for the kinds whose connections are served by worker processes a supervisor starts. */
    public boolean multiProcess() {
        return this == PROCESS_REUSEPORT || this == PROCESS_FD_PASSING || this == PROCESS_PER_CONNECTION;
    }
}
