package dev.topo.server.hostile;

import java.time.Duration;

/**
 * The limits the hostile cases are measured against: short in the test suite (so that a slow client is cut within
 * a fraction of a second), the shipped defaults in {@code bench/hostile.sh}.
 */
public record SuiteLimits(Duration requestTimeout, Duration idleTimeout, Duration sendTimeout, Duration lingerTimeout,
        int maxInitialLineLength, int maxHeaderSize, int maxBodySize, int maxPipelinedRequests, Duration atOnce) {

    /** What the test suite runs with. */
    public static SuiteLimits suite() {
        return new SuiteLimits(Duration.ofMillis(400), Duration.ofMillis(800), Duration.ofMillis(800),
                Duration.ofMillis(500), 512, 2048, 4096, 8, Duration.ofSeconds(2));
    }

    /** The defaults of {@code LimitsConfig}, as {@code config/*.yaml} ship them. */
    public static SuiteLimits shipped() {
        return new SuiteLimits(Duration.ofSeconds(10), Duration.ofSeconds(60), Duration.ofSeconds(30),
                Duration.ofSeconds(2), 4096, 8192, 1 << 20, 16, Duration.ofSeconds(2));
    }

    /**
     * These limits, with {@code atOnce} for what "at once" means: how long an answer that needs no waiting may take
     * to arrive (2 s; more where a connection first waits for a JVM to start).
     */
    public SuiteLimits withAtOnce(Duration atOnce) {
        return new SuiteLimits(requestTimeout, idleTimeout, sendTimeout, lingerTimeout, maxInitialLineLength,
                maxHeaderSize, maxBodySize, maxPipelinedRequests, atOnce);
    }

    /** The {@code limits:} and {@code work:} sections of a server configured with these limits. */
    public String yaml() {
        return "limits: {maxConnections: 256, requestTimeout: " + requestTimeout.toMillis() + "ms, idleTimeout: "
                + idleTimeout.toMillis() + "ms, sendTimeout: " + sendTimeout.toMillis() + "ms, lingerTimeout: "
                + lingerTimeout.toMillis() + "ms, maxInitialLineLength: " + maxInitialLineLength + ", maxHeaderSize: "
                + maxHeaderSize + ", maxBodySize: " + maxBodySize + ", maxPipelinedRequests: " + maxPipelinedRequests
                + "}\nwork: {maxCpu: 10ms, maxSleep: 2s, maxBytes: 256KiB}\n";
    }

    /** How long after its deadline a timeout may fire and still count as on time: 1 s with the shipped limits. */
    public Duration slack() {
        return requestTimeout.compareTo(Duration.ofSeconds(5)) >= 0 ? Duration.ofSeconds(1) : Duration.ofMillis(400);
    }
}
