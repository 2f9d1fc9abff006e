package dev.topo.loadgen.engine;

import java.util.Locale;

/**
 * Who closes a connection in per-request mode, which decides on which side TCP's TIME_WAIT lands.
 * TIME_WAIT on the client side is what exhausts its ~28k ephemeral ports.
 */
public enum CloseMode {
    /**
     * The request carries {@code Connection: close} and the client waits for the server's FIN, as ab and HTTP/1.0
     * clients do. The server closes first, so TIME_WAIT is kept by the server, where it costs no ephemeral port.
     */
    SERVER,
    /** The client closes as soon as the response is complete: TIME_WAIT lands on the client. */
    CLIENT,
    /** The client closes with SO_LINGER 0: an RST, no TIME_WAIT anywhere, but the server sees a reset. */
    RESET;

    /** The name the command line and the reports use. */
    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** Parses a close mode as written on the command line. */
    public static CloseMode parse(String text) {
        return switch (text.toLowerCase(Locale.ROOT)) {
            case "server" -> SERVER;
            case "client" -> CLIENT;
            case "reset", "linger0" -> RESET;
            default -> throw new InvalidValueException("closeMode", InvalidValueException.quoted(text),
                    "server, client or reset");
        };
    }
}
