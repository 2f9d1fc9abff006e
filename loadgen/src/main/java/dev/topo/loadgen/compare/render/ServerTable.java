package dev.topo.loadgen.compare.render;

import dev.topo.loadgen.compare.Results;
import dev.topo.loadgen.compare.Scenario;
import dev.topo.loadgen.compare.ServerCost;

import java.util.ArrayList;
import java.util.IntSummaryStatistics;
import java.util.List;
import java.util.Locale;

/**
 * What the server cost and counted, beside the load generator's table: per scenario its CPU per response (and per
 * connection where connections were opened in the window), context switches per response, peak memory, the
 * thundering herd (empty accept wake-ups per accepted connection) and, for servers with a dynamic pool, the
 * smallest and largest pool seen. A pool column appears only for scenarios where some server has a pool.
 */
public final class ServerTable {

    private final List<String> groups = new ArrayList<>();
    private final List<String> labels = new ArrayList<>();
    private final List<List<String>> rows = new ArrayList<>();

    public ServerTable(Results.Document doc) {
        List<Scenario> scenarios = doc.scenarios();
        List<List<String>> kinds = new ArrayList<>();
        for (Scenario sc : scenarios) {
            var runs = doc.completedRuns(sc.name()).values();
            List<String> k = new ArrayList<>(List.of("cpu/req", "cs/req"));
            // Per connection only where connections were opened in the window: a connection per request.
            if (runs.stream().anyMatch(r -> r.serverCost() != null && r.serverCost().cpuUsPerConnection() != null)) {
                k.add("cpu/conn");
            }
            k.add("rss");
            k.add("herd");
            if (runs.stream().anyMatch(r -> !r.poolWorkers().isEmpty())) {
                k.add("pool");
            }
            kinds.add(k);
            k.forEach(label -> {
                groups.add(sc.name());
                labels.add(label);
            });
        }
        for (Results.ConfigResult cfg : doc.configs()) {
            List<String> row = new ArrayList<>();
            row.add(cfg.name());
            for (int i = 0; i < scenarios.size(); i++) {
                Results.RunResult r = cfg.completedRun(scenarios.get(i).name());
                for (String label : kinds.get(i)) {
                    row.add(r == null ? "-" : cell(label, r));
                }
            }
            rows.add(row);
        }
    }

    private static String cell(String label, Results.RunResult r) {
        ServerCost.Figures c = r.serverCost();
        return switch (label) {
            case "herd" -> herd(r.emptyWakeupsPerAccept());
            case "pool" -> pool(r.poolWorkers());
            case "cpu/req" -> c == null ? "n/a" : Table.micros1(r.figure("cpu/req", c.cpuUsPerRequest()));
            case "cpu/conn" -> c == null || c.cpuUsPerConnection() == null ? "n/a"
                    : Table.micros1(c.cpuUsPerConnection());
            case "cs/req" -> c == null ? "n/a" : String.format(Locale.ROOT, "%.2f", c.contextSwitchesPerRequest());
            case "rss" -> c == null ? "n/a" : String.format(Locale.ROOT, "%.0fMiB", c.peakRssMiB());
            default -> throw new IllegalArgumentException(label);
        };
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

    /** Fixed-width text, a block per scenario, as {@link Table#render()}. */
    public String render() {
        return TextGrid.render(groups, labels, rows) + LEGEND + "\n";
    }

    /** Lines of at most 120 columns. */
    public static final String LEGEND = "cpu/req, cpu/conn = server CPU time (all its processes) per response, per"
            + " connection opened; cs/req = its\n  context switches per response; rss = peak resident memory; all over"
            + " the measured window\nherd = empty accept wake-ups per accepted connection (thundering herd;"
            + " n/a: none accepted in the window)\npool = min-max worker processes of the dynamic pool, sampled each"
            + " second";
}
