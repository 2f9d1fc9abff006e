package dev.topo.server.http;

/**
 * Fired through every connection's pipeline when a graceful stop begins: from then on every response says
 * {@code Connection: close} and the connection closes after it (the request in progress, or the next one a client
 * sends on an idle connection); connections still open at the drain timeout are closed by the topology.
 */
public enum DrainEvent {
    INSTANCE
}
