package dev.topo.loadgen.compare;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;

/** The samples of a Prometheus text scrape, and what compare derives from two of them. */
public final class Metrics {

    private Metrics() {
    }

    /** Sample key (name with its labels, as written) to value; histogram buckets are left out, they are noise here. */
    public static Map<String, Double> parse(String text) {
        Map<String, Double> out = new TreeMap<>();
        for (String line : text.split("\n")) {
            if (line.isBlank() || line.startsWith("#") || line.contains("_bucket{")) {
                continue;
            }
            int sp = line.lastIndexOf(' ');
            if (sp <= 0) {
                continue;
            }
            try {
                out.put(line.substring(0, sp).trim(), Double.parseDouble(line.substring(sp + 1).trim()));
            } catch (NumberFormatException e) {
                // A sample with a timestamp or an odd value is not one compare uses.
            }
        }
        return out;
    }

    /** after - before for every counter ({@code _total}, {@code _count}, {@code _sum}) that changed. */
    public static Map<String, Double> delta(Map<String, Double> before, Map<String, Double> after) {
        Map<String, Double> out = new TreeMap<>();
        after.forEach((k, v) -> {
            String name = k.contains("{") ? k.substring(0, k.indexOf('{')) : k;
            if (name.endsWith("_total") || name.endsWith("_count") || name.endsWith("_sum")) {
                double d = v - before.getOrDefault(k, 0.0);
                if (d != 0) {
                    out.put(k, d);
                }
            }
        });
        return out;
    }

    /**
     * The delta of one per-loop counter keyed by its labels without the metric name (listener, loop, and worker in
     * multi-process servers, so two workers' "topo-loop-0" stay apart). Loops that did nothing count as 0.
     */
    public static Map<String, Long> perLoop(Map<String, Double> before, Map<String, Double> after, String metric) {
        Map<String, Long> out = new LinkedHashMap<>();
        after.forEach((k, v) -> {
            if (k.startsWith(metric + "{")) {
                out.put(k.substring(metric.length()), Math.round(v - before.getOrDefault(k, 0.0)));
            }
        });
        return out;
    }

    /** Jain's index (Σx)² / (n·Σx²): 1 is even, 1/n all on one; NaN when nothing was counted. */
    public static double jain(Iterable<Long> values) {
        double sum = 0;
        double squares = 0;
        int n = 0;
        for (long v : values) {
            sum += v;
            squares += (double) v * v;
            n++;
        }
        return squares == 0 ? Double.NaN : sum * sum / (n * squares);
    }
}
