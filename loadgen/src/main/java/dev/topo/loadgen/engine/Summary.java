package dev.topo.loadgen.engine;

import dev.topo.loadgen.stats.LatencyStats;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Totals of the measured part of a run (the warm-up excluded).
 *
 * @param durationSeconds      measured time, including the final drain of in-flight requests
 * @param requests             responses received, of any status
 * @param requestedRate        the spec's {@code rate} (its segment's share of it), 0 in closed loop
 * @param achievedRate         requests / durationSeconds
 * @param latency              from the intended send time in open loop (coordinated omission corrected), from the
 *                             connect start in per-request mode, from the send otherwise
 * @param latencyUncorrected   from the actual send time; equal to {@code latency} in closed loop
 * @param connect              TCP connect time
 * @param ttfb                 send to first response byte
 * @param maxOpenConnections   highest once-a-second sample of open connections
 * @param meanOpenConnections  mean of those samples
 * @param statusClasses        responses by status class ("2xx", ...)
 * @param errors               errors by kind label; every kind is present
 * @param errorRate            errors / (requests + errors that produced no response)
 * @param blockedRequests      open loop: requests that found no free connection when due
 * @param blockedMeanUs        mean wait of those requests for a connection
 * @param blockedMaxUs         longest such wait
 */
public record Summary(double durationSeconds, long requests, double requestedRate, double achievedRate,
                      long bytesRead, long bytesWritten, LatencyStats latency, LatencyStats latencyUncorrected,
                      LatencyStats connect, LatencyStats ttfb, long connectionsOpened, long maxOpenConnections,
                      double meanOpenConnections, Map<String, Long> statusClasses, Map<String, Long> errors,
                      long errorsTotal, double errorRate, long blockedRequests, double blockedMeanUs,
                      double blockedMaxUs) {

    public Summary {
        // Insertion order is kept: reports and JSON list the kinds in a stable order.
        statusClasses = Collections.unmodifiableMap(new LinkedHashMap<>(statusClasses));
        errors = Collections.unmodifiableMap(new LinkedHashMap<>(errors));
    }
}
