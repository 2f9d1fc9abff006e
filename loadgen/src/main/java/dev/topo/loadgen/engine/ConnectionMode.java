package dev.topo.loadgen.engine;

/** How requests map onto TCP connections. */
public enum ConnectionMode {
    /** Connections are opened once and reused for every request (wrk's model). */
    KEEPALIVE,
    /** A new TCP connection for every request, closed after the response: exercises the accept path. */
    PER_REQUEST
}
