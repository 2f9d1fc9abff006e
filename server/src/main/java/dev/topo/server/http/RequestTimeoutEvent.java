package dev.topo.server.http;

/**
 * Fired by {@link TimeoutHandler} toward the HTTP handler when a request has been arriving for longer than
 * {@code limits.requestTimeout}: the handler answers 408, or closes when a response is already under way.
 */
enum RequestTimeoutEvent {
    INSTANCE
}
