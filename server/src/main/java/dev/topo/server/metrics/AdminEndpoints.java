package dev.topo.server.metrics;

import java.util.Map;
import java.util.concurrent.CompletableFuture;

/** What the admin endpoint serves, asked at each request (a live switch changes the answers). */
public interface AdminEndpoints {
    /** {@code /metrics}: Prometheus text. */
    String metrics();

    /** {@code /topology}: the JSON document. */
    Map<String, Object> topology();

    /** {@code /readyz}. */
    boolean ready();

    /**
     * {@code POST /reload}: reads the configuration again and switches to it; completes with the result document
     * and the HTTP status that goes with it ({@code status} key), or null where reloading is not offered.
     */
    CompletableFuture<Map<String, Object>> reload();
}
