package dev.topo.loadgen.compare;

import dev.topo.loadgen.engine.ConnectionMode;
import dev.topo.loadgen.engine.ResultDocument;
import dev.topo.loadgen.engine.Summary;
import dev.topo.loadgen.stats.LatencyStats;

import java.time.Duration;
import java.util.List;
import java.util.Map;

/** Completed runs with just the figures the table, the repeats and the verdicts read. */
final class CannedRuns {

    static final Scenario KEEPALIVE = new Scenario("keepalive", "http", "/", ConnectionMode.KEEPALIVE, 4, 1, 0, 64,
            Duration.ofSeconds(5), null);

    private CannedRuns() {
    }

    static Results.RunResult run(double rate, double p99) {
        return run(rate, p99, Map.of());
    }

    /** {@code errors} by kind label, as in a summary. */
    static Results.RunResult run(double rate, double p99, Map<String, Long> errors) {
        LatencyStats lat = new LatencyStats(100, 1, p99 / 2, 1, p99 / 2, p99 / 2, p99, p99, p99, p99);
        long failed = errors.values().stream().mapToLong(Long::longValue).sum();
        Summary s = new Summary(1, (long) rate, 0, rate, 0, 0, lat, lat, LatencyStats.EMPTY, LatencyStats.EMPTY, 0,
                0, 0, Map.of(), errors, failed, 0, 0, 0, 0, 0, 0, 0, 0, 0, LatencyStats.EMPTY);
        ResultDocument load = new ResultDocument(ResultDocument.SCHEMA, "dev", "", "", "", null, null, s, List.of(),
                null);
        return new Results.RunResult("keepalive", Results.OK, null, load, List.of(), Map.of(), Map.of(), Map.of(),
                null, null, List.of(), null, null, null, null, null);
    }

    static Results.ConfigResult config(String name, Results.RunResult run) {
        return new Results.ConfigResult(name, name + ".yaml", "reuseport", "http", Results.OK, null, "",
                List.of(run));
    }

    static Results.Document doc(Results.ConfigResult... configs) {
        return new Results.Document(Results.SCHEMA, "dev", "", "", null, null, null, List.of(KEEPALIVE),
                List.of(configs));
    }
}
