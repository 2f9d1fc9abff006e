package dev.topo.loadgen.engine;

import dev.topo.loadgen.stats.LatencyStats;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Totals of the measured part of a run (the warm-up excluded).
 *
 * @param durationSeconds      the measured window; the drain after it is not in it
 * @param requests             responses received, of any status, the drain's included
 * @param requestedRate        the spec's {@code rate} (its segment's share of it), 0 in closed loop
 * @param achievedRate         responses completed inside the window / durationSeconds
 * @param latency              from the intended send time in open loop (coordinated omission corrected), from the
 *                             connect start in per-request mode, from the flush of the request otherwise; failed
 *                             requests at the time they failed, and in open loop the unsent ones at the time they
 *                             had waited when the run ended
 * @param latencyUncorrected   from the flush of the request (the connect start in per-request mode); equal to
 *                             {@code latency} in closed loop
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
 * @param drainResponses       responses that arrived after the window, to requests sent in it
 * @param drainSeconds         how long the drain took
 * @param scheduled            open loop: requests due in the window (with the warm-up's unsent backlog)
 * @param sent                 open loop: of those, sent (per-request: a connection opened for it)
 * @param dropped              open loop: due in the window and never sent; scheduled = sent + dropped
 * @param sendLag              open loop: actual send - due time of the sent requests; empty in closed loop
 */
public record Summary(double durationSeconds, long requests, double requestedRate, double achievedRate,
                      long bytesRead, long bytesWritten, LatencyStats latency, LatencyStats latencyUncorrected,
                      LatencyStats connect, LatencyStats ttfb, long connectionsOpened, long maxOpenConnections,
                      double meanOpenConnections, Map<String, Long> statusClasses, Map<String, Long> errors,
                      long errorsTotal, double errorRate, long blockedRequests, double blockedMeanUs,
                      double blockedMaxUs, long drainResponses, double drainSeconds, long scheduled, long sent,
                      long dropped, LatencyStats sendLag) {

    public Summary {
        // Insertion order is kept: reports and JSON list the kinds in a stable order.
        statusClasses = Collections.unmodifiableMap(new LinkedHashMap<>(statusClasses));
        errors = Collections.unmodifiableMap(new LinkedHashMap<>(errors));
    }
}
