package dev.topo.server.http;

/**
 * Fired through every connection's pipeline when a graceful stop begins: idle connections close at once, busy ones
 * finish the request in progress and close after its response.
 */
public enum DrainEvent {
    INSTANCE
}
