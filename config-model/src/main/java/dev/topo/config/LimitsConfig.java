package dev.topo.config;

import java.time.Duration;

/**
 * What one client may cost the server. Exceeding a size limit is answered (413, 414, 431) and the connection closed;
 * {@code requestTimeout} cuts off a client that sends its headers or body too slowly, {@code idleTimeout} one that
 * sends nothing at all between requests.
 */
public record LimitsConfig(
        Integer maxConnections,
        Duration idleTimeout,
        Duration requestTimeout,
        DataSize maxInitialLineLength,
        DataSize maxHeaderSize,
        DataSize maxBodySize) {

    private static final long MAX_FIELD = 1L << 20;
    private static final long MAX_BODY = 1L << 30;

    public LimitsConfig {
        maxConnections = Check.atLeast("limits.maxConnections", Check.orDefault(maxConnections, 10_000), 1);
        idleTimeout = Check.positive("limits.idleTimeout", Check.orDefault(idleTimeout, Duration.ofSeconds(60)));
        requestTimeout = Check.positive("limits.requestTimeout",
                Check.orDefault(requestTimeout, Duration.ofSeconds(10)));
        maxInitialLineLength = Check.sizeBetween("limits.maxInitialLineLength",
                Check.orDefault(maxInitialLineLength, DataSize.ofBytes(4096)), 64, MAX_FIELD);
        maxHeaderSize = Check.sizeBetween("limits.maxHeaderSize",
                Check.orDefault(maxHeaderSize, DataSize.ofBytes(8192)), 256, MAX_FIELD);
        maxBodySize = Check.sizeBetween("limits.maxBodySize",
                Check.orDefault(maxBodySize, DataSize.ofBytes(1 << 20)), 0, MAX_BODY);
    }

    public static LimitsConfig defaults() {
        return new LimitsConfig(null, null, null, null, null, null);
    }
}
