package dev.topo.loadgen.engine;

import java.util.Locale;

/** How requests map onto TCP connections. */
public enum ConnectionMode {
    /** Connections are opened once and reused for every request (wrk's model). */
    KEEPALIVE("keepalive"),
    /** A new TCP connection for every request, closed after the response: exercises the accept path. */
    PER_REQUEST("per-request");

    private final String label;

    ConnectionMode(String label) {
        this.label = label;
    }

    /** The name the command line, scenario files and the JSON report use. */
    public String label() {
        return label;
    }

    /** Parses a mode as written on the command line or in a scenario file. */
    public static ConnectionMode parse(String text) {
        return switch (text.toLowerCase(Locale.ROOT)) {
            case "keepalive", "keep-alive" -> KEEPALIVE;
            case "per-request", "per_request", "close" -> PER_REQUEST;
            default -> throw new InvalidValueException("connectionMode", InvalidValueException.quoted(text),
                    "keepalive or per-request");
        };
    }
}
