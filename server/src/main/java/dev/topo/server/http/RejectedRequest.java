package dev.topo.server.http;

import dev.topo.server.http.ResponseEncoder.Status;

/**
 * Why a request head was refused before any route saw it, and the status that says so. Set as the decoder result of
 * the request (or of the invalid message that stands for it), so the HTTP handler answers it like Netty's own decode
 * failures: one response, then a lingering close.
 */
final class RejectedRequest extends Exception {
    private static final long serialVersionUID = 1L;

    private final transient Status status;

    RejectedRequest(Status status, String reason) {
        // No stack trace: hostile clients can make these as fast as they can send bytes.
        super(reason, null, false, false);
        this.status = status;
    }

    Status status() {
        return status;
    }
}
