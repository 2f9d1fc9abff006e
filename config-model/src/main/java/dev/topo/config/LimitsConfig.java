package dev.topo.config;

import java.time.Duration;

/**
 * What one client may cost the server. Exceeding a size limit is answered (413, 414, 431) and the connection closed;
 * {@code requestTimeout} cuts off a client that sends its headers or body too slowly, {@code idleTimeout} one that
 * sends nothing at all between requests, {@code sendTimeout} one that does not read what it is sent. A connection
 * stops reading while more than {@code maxPipelinedRequests} of its requests wait for their responses, and an error
 * response is followed by a lingering close: the input is drained (and thrown away) for at most
 * {@code lingerTimeout}, so that the client can read its 4xx before the connection goes.
 */
public record LimitsConfig(
        Integer maxConnections,
        Duration idleTimeout,
        Duration requestTimeout,
        DataSize maxInitialLineLength,
        DataSize maxHeaderSize,
        DataSize maxBodySize,
        Integer maxPipelinedRequests,
        Duration sendTimeout,
        Duration lingerTimeout) {

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
        maxPipelinedRequests = Check.between("limits.maxPipelinedRequests",
                Check.orDefault(maxPipelinedRequests, 16), 1, 1024);
        sendTimeout = Check.positive("limits.sendTimeout", Check.orDefault(sendTimeout, Duration.ofSeconds(30)));
        lingerTimeout = Check.positive("limits.lingerTimeout",
                Check.orDefault(lingerTimeout, Duration.ofSeconds(2)));
    }

    /** The limits before pipelining, send and linger bounds existed; those take their defaults. */
    public LimitsConfig(Integer maxConnections, Duration idleTimeout, Duration requestTimeout,
            DataSize maxInitialLineLength, DataSize maxHeaderSize, DataSize maxBodySize) {
        this(maxConnections, idleTimeout, requestTimeout, maxInitialLineLength, maxHeaderSize, maxBodySize, null, null,
                null);
    }

    /** These limits with {@code maxConnections} instead (a master's share for one of its workers). */
    public LimitsConfig withMaxConnections(int maxConnections) {
        return new LimitsConfig(maxConnections, idleTimeout, requestTimeout, maxInitialLineLength, maxHeaderSize,
                maxBodySize, maxPipelinedRequests, sendTimeout, lingerTimeout);
    }

    public static LimitsConfig defaults() {
        return new LimitsConfig(null, null, null, null, null, null, null, null, null);
    }
}
