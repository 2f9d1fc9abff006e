package dev.topo.loadgen.compare;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.ToDoubleFunction;

/**
 * {@code --repeat N}: a configuration × scenario measured N times, interleaved with the other configurations so
 * that a slow minute of the machine falls on all of them. The result shown is the median run, with each figure's
 * min, median and max over the repeats; two rows whose spreads overlap are a tie. Plain logic, unit-tested.
 */
public final class Repeats {

    /** The figures kept over the repeats, by the table's column label, and how each is read from one run. */
    static final Map<String, ToDoubleFunction<Results.RunResult>> FIGURES = figures();

    private Repeats() {
    }

    private static Map<String, ToDoubleFunction<Results.RunResult>> figures() {
        Map<String, ToDoubleFunction<Results.RunResult>> m = new LinkedHashMap<>();
        m.put("req/s", r -> r.load().summary().achievedRate());
        m.put("p50", r -> r.load().summary().latency().p50Us());
        m.put("p99", r -> r.load().summary().latency().p99Us());
        m.put("p99.9", r -> r.load().summary().latency().p999Us());
        m.put("cpu/req", r -> r.serverCost() == null ? Double.NaN : r.serverCost().cpuUsPerRequest());
        return m;
    }

    /** One figure over the repeats. */
    public record Figure(double min, double median, double max) {

        /** NaN values (a figure a run could not measure) are left out; null when none is left. */
        static Figure of(double[] values) {
            double[] v = Arrays.stream(values).filter(x -> !Double.isNaN(x)).sorted().toArray();
            return v.length == 0 ? null : new Figure(v[0], Repeats.median(v), v[v.length - 1]);
        }

        /** Whether the two ranges share a value: then the difference between the medians is inside the noise. */
        public boolean overlaps(Figure o) {
            return min <= o.max && o.min <= max;
        }
    }

    /**
     * @param n       runs of the configuration × scenario that completed
     * @param figures by column label (req/s, p50, p99, p99.9, cpu/req)
     */
    public record Stats(int n, Map<String, Figure> figures) {
        public Stats {
            figures = Map.copyOf(figures);
        }
    }

    /**
     * The run to show of several attempts of one scenario: the median by the scenario's own figure (req/s in
     * closed loop, p99 in open loop), carrying the spread of every figure. A scenario that failed in any attempt
     * is shown as that failure: a configuration that fails one time in three does not have a median.
     */
    public static Results.RunResult merge(List<Results.RunResult> attempts, boolean openLoop) {
        if (attempts.size() == 1) {
            return attempts.get(0);
        }
        for (Results.RunResult r : attempts) {
            if (!r.status().equals(Results.OK) || r.load() == null) {
                return r;
            }
        }
        Map<String, Figure> figures = new LinkedHashMap<>();
        FIGURES.forEach((label, f) -> {
            Figure fig = Figure.of(attempts.stream().mapToDouble(f).toArray());
            if (fig != null) {
                figures.put(label, fig);
            }
        });
        ToDoubleFunction<Results.RunResult> key = FIGURES.get(openLoop ? "p99" : "req/s");
        List<Results.RunResult> sorted = new ArrayList<>(attempts);
        sorted.sort((a, b) -> Double.compare(key.applyAsDouble(a), key.applyAsDouble(b)));
        return sorted.get((sorted.size() - 1) / 2).withRepeats(new Stats(attempts.size(), figures));
    }

    /**
     * One configuration's attempts, a run each of the same scenarios: each scenario merged as {@link #merge}. An
     * attempt that failed as a whole (did not start, died, did not stop cleanly) is the result.
     */
    public static Results.ConfigResult mergeConfig(List<Results.ConfigResult> attempts, List<Scenario> scenarios) {
        Results.ConfigResult first = attempts.get(0);
        if (attempts.size() == 1) {
            return first;
        }
        for (Results.ConfigResult c : attempts) {
            if (!c.status().equals(Results.OK)) {
                return c;
            }
        }
        List<Results.RunResult> runs = new ArrayList<>();
        for (Results.RunResult r : first.runs()) {
            boolean open = scenarios.stream().anyMatch(s -> s.name().equals(r.scenario()) && s.rate() > 0);
            List<Results.RunResult> same = new ArrayList<>();
            for (Results.ConfigResult c : attempts) {
                c.runs().stream().filter(x -> x.scenario().equals(r.scenario())).findFirst().ifPresent(same::add);
            }
            runs.add(merge(same, open));
        }
        return new Results.ConfigResult(first.name(), first.file(), first.kind(), first.protocol(), first.status(),
                first.error(), first.ready(), runs);
    }

    /** The middle value, or the mean of the two middle ones, of sorted values. */
    static double median(double[] sorted) {
        int n = sorted.length;
        return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
    }
}
