package dev.topo.loadgen.compare;

import dev.topo.loadgen.engine.Summary;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.ToDoubleFunction;

/**
 * A few generated sentences per scenario: who wins what it measures, by how much against the runner-up, and what
 * went wrong where (failed requests, a missed rate). Only comparable runs compete, and a margin within
 * {@link LikeWithLike#TIE_TOLERANCE} is called a tie. Plain logic over the results.
 */
public final class Verdicts {

    private Verdicts() {
    }

    /** Sentences by scenario name, in the document's scenario order; scenarios nobody ran are left out. */
    public static Map<String, List<String>> of(Results.Document doc) {
        Map<String, List<String>> out = new LinkedHashMap<>();
        for (Scenario sc : doc.scenarios()) {
            Map<String, Results.RunResult> runs = doc.completedRuns(sc.name());
            if (runs.isEmpty()) {
                continue;
            }
            List<String> lines = new ArrayList<>();
            Map<String, Results.RunResult> comparable = new LinkedHashMap<>();
            runs.forEach((name, r) -> {
                if (r.notComparable() == null) {
                    comparable.put(name, r);
                }
            });
            if (LikeWithLike.ranksRate(sc.rate())) {
                winner(lines, comparable, "most req/s", true, "%.0f",
                        r -> r.figure("req/s", r.load().summary().achievedRate()));
            } else {
                winner(lines, comparable, "lowest p99", false, "%.0f us",
                        r -> r.figure("p99", r.load().summary().latency().p99Us()));
            }
            boolean perConnection = sc.connectionMode() == dev.topo.loadgen.engine.ConnectionMode.PER_REQUEST;
            winner(lines, comparable, perConnection ? "least server CPU per new connection"
                    : "least server CPU per request", false, "%.1f us",
                    r -> r.serverCost() == null ? Double.NaN : r.figure("cpu/req", r.serverCost().cpuUsPerRequest()));
            runs.forEach((name, r) -> problems(lines, name, r));
            out.put(sc.name(), lines);
        }
        return out;
    }

    /** "A: most req/s, 5000 (1.21x B's)", or a tie, among the runs that measured the figure. */
    private static void winner(List<String> lines, Map<String, Results.RunResult> runs, String what,
                               boolean higherIsBetter, String format, ToDoubleFunction<Results.RunResult> figure) {
        List<Map.Entry<String, Double>> ranked = new ArrayList<>();
        runs.forEach((name, r) -> {
            double v = figure.applyAsDouble(r);
            if (!Double.isNaN(v)) {
                ranked.add(Map.entry(name, v));
            }
        });
        if (ranked.size() < 2) {
            return;
        }
        Comparator<Map.Entry<String, Double>> byValue = Map.Entry.comparingByValue();
        ranked.sort(higherIsBetter ? byValue.reversed() : byValue);
        Map.Entry<String, Double> best = ranked.get(0);
        Map.Entry<String, Double> next = ranked.get(1);
        double ratio = next.getValue() == 0 ? Double.NaN : best.getValue() / next.getValue();
        boolean tie = higherIsBetter ? ratio <= 1 + LikeWithLike.TIE_TOLERANCE
                : ratio >= 1 / (1 + LikeWithLike.TIE_TOLERANCE);
        String value = String.format(Locale.ROOT, format, best.getValue());
        lines.add(tie ? String.format(Locale.ROOT, "%s and %s: %s, a tie (within %.0f%%)", best.getKey(),
                next.getKey(), what, LikeWithLike.TIE_TOLERANCE * 100)
                : String.format(Locale.ROOT, "%s: %s, %s (%.2fx %s's)", best.getKey(), what, value, ratio,
                next.getKey()));
    }

    /** A missed rate, and failed requests by their most frequent kinds: what a reader must not overlook. */
    private static void problems(List<String> lines, String name, Results.RunResult r) {
        if (r.notComparable() != null) {
            lines.add(name + ": not comparable, " + r.notComparable());
        }
        Summary s = r.load().summary();
        long failed = s.errorsTotal();
        if (failed > 0) {
            List<Map.Entry<String, Long>> kinds = new ArrayList<>(s.errors().entrySet());
            kinds.removeIf(e -> e.getValue() == 0);
            kinds.sort(Map.Entry.<String, Long>comparingByValue().reversed());
            StringBuilder k = new StringBuilder();
            kinds.stream().limit(3).forEach(e -> k.append(k.length() == 0 ? "" : ", ").append(e.getValue())
                    .append(' ').append(e.getKey()));
            lines.add(String.format(Locale.ROOT, "%s: %d of %d requests failed (%s)", name, failed,
                    s.requests() + failed - s.errors().getOrDefault("bad_status", 0L), k));
        }
    }
}
