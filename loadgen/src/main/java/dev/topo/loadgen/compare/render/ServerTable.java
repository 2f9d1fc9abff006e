package dev.topo.loadgen.compare.render;

import dev.topo.loadgen.compare.Results;
import dev.topo.loadgen.compare.Scenario;

import java.util.ArrayList;
import java.util.IntSummaryStatistics;
import java.util.List;
import java.util.Locale;

/**
 * What the server itself counted, beside the load generator's table (which already fills the console's width): per
 * scenario the thundering herd (empty accept wake-ups per accepted connection) and, for servers with a dynamic
 * pool, the smallest and largest pool seen. A pool column appears only for scenarios where some server has a pool.
 */
public final class ServerTable {

    private final List<String> groups = new ArrayList<>();
    private final List<String> labels = new ArrayList<>();
    private final List<List<String>> rows = new ArrayList<>();

    public ServerTable(Results.Document doc) {
        List<String> scenarios = new ArrayList<>();
        List<Boolean> pooled = new ArrayList<>();
        for (Scenario sc : doc.scenarios()) {
            boolean pool = doc.completedRuns(sc.name()).values().stream().anyMatch(r -> !r.poolWorkers().isEmpty());
            scenarios.add(sc.name());
            pooled.add(pool);
            groups.add(sc.name());
            labels.add("herd");
            if (pool) {
                groups.add(sc.name());
                labels.add("pool");
            }
        }
        for (Results.ConfigResult cfg : doc.configs()) {
            List<String> row = new ArrayList<>();
            row.add(cfg.name());
            for (int i = 0; i < scenarios.size(); i++) {
                Results.RunResult r = cfg.completedRun(scenarios.get(i));
                row.add(r == null ? "-" : herd(r.emptyWakeupsPerAccept()));
                if (pooled.get(i)) {
                    row.add(r == null ? "-" : pool(r.poolWorkers()));
                }
            }
            rows.add(row);
        }
    }

    /** Three decimals: a herd of a few empty wake-ups per thousand connections must not read as 0. */
    public static String herd(Double perAccept) {
        return perAccept == null ? "n/a" : String.format(Locale.ROOT, "%.3f", perAccept);
    }

    /** {@code min-max} workers, a single number when the pool did not change, {@code -} without samples. */
    public static String pool(List<Results.PoolSample> samples) {
        if (samples.isEmpty()) {
            return "-";
        }
        IntSummaryStatistics s = samples.stream().mapToInt(Results.PoolSample::workers).summaryStatistics();
        return s.getMin() == s.getMax() ? String.valueOf(s.getMin()) : s.getMin() + "-" + s.getMax();
    }

    /** Column headers, {@code scenario label}, after {@code topology}. */
    public List<String> header() {
        List<String> out = new ArrayList<>();
        out.add("topology");
        for (int i = 0; i < labels.size(); i++) {
            out.add(groups.get(i) + " " + labels.get(i));
        }
        return out;
    }

    public List<List<String>> rows() {
        return rows;
    }

    /** Fixed-width text laid out as {@link Table#render()}: scenario names over labels, a bar between groups. */
    public String render() {
        int n = labels.size() + 1;
        int[] width = new int[n];
        width[0] = "topology".length();
        for (List<String> row : rows) {
            width[0] = Math.max(width[0], row.get(0).length());
        }
        for (int i = 1; i < n; i++) {
            width[i] = Math.max(labels.get(i - 1).length(), first(i) ? groups.get(i - 1).length() : 0);
            for (List<String> row : rows) {
                width[i] = Math.max(width[i], row.get(i).length());
            }
        }
        StringBuilder top = new StringBuilder(pad("", width[0], true));
        StringBuilder second = new StringBuilder(pad("topology", width[0], true));
        for (int i = 1; i < n; i++) {
            String sep = first(i) ? " | " : "  ";
            top.append(sep).append(pad(first(i) ? groups.get(i - 1) : "", width[i], true));
            second.append(sep).append(pad(labels.get(i - 1), width[i], false));
        }
        StringBuilder sb = new StringBuilder();
        sb.append(top.toString().stripTrailing()).append('\n').append(second).append('\n');
        for (List<String> row : rows) {
            sb.append(pad(row.get(0), width[0], true));
            for (int i = 1; i < n; i++) {
                sb.append(first(i) ? " | " : "  ").append(pad(row.get(i), width[i], false));
            }
            sb.append('\n');
        }
        sb.append(LEGEND).append('\n');
        return sb.toString();
    }

    /** Two lines, so the console stays within 120 columns. */
    public static final String LEGEND = "herd = empty accept wake-ups per accepted connection (thundering herd;"
            + " n/a: none accepted in the window)\npool = min-max worker processes of the dynamic pool, sampled each"
            + " second";

    private boolean first(int i) {
        return i == 1 || !groups.get(i - 1).equals(groups.get(i - 2));
    }

    private static String pad(String s, int w, boolean left) {
        String fill = " ".repeat(Math.max(0, w - s.length()));
        return left ? s + fill : fill + s;
    }
}
