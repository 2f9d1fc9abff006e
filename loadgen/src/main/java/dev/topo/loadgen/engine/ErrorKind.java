package dev.topo.loadgen.engine;

import java.util.Locale;

/** Why a request or a connection failed. The JSON and console reports use {@link #label()}. */
public enum ErrorKind {
    /**
     * The connect was refused: nothing listens. (A full accept queue is not this: Linux drops the SYN, and the
     * connect shows as a {@link #TIMEOUT}.)
     */
    REFUSED,
    /** The peer reset the connection. */
    RESET,
    /** No response (or no connect) within the spec's {@code timeout}, or none when the run's drain ended. */
    TIMEOUT,
    /** The response status was 4xx or 5xx. The response is still counted and its latency recorded. */
    BAD_STATUS,
    /** The response could not be parsed, or the echo did not match what was sent. */
    PROTOCOL,
    /** The peer closed the connection with a request outstanding. */
    CLOSED,
    /** The client ran out of local ports or source addresses (EADDRNOTAVAIL). */
    PORT_EXHAUSTION,
    /** Anything else. */
    OTHER;

    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }
}
