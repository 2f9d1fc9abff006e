package dev.topo.loadgen.compare.render;

import dev.topo.loadgen.compare.Results;
import dev.topo.loadgen.compare.Scenario;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.ToDoubleFunction;

/**
 * The comparison as one table: a row per configuration, for each scenario requests/s, p50, p99, p99.9, errors and
 * fairness. The best value of each column is marked with {@code *}. Shared by the console and the HTML page.
 */
public final class Table {

    /** One metric column of one scenario; {@code higherIsBetter} picks which end is marked, if {@code ranked}. */
    record Column(String scenario, String label, boolean higherIsBetter, boolean ranked,
                  ToDoubleFunction<Results.RunResult> value) {
    }

    /** A cell: its text and whether it holds the column's best value. */
    public record Cell(String text, boolean best) {
    }

    private final List<String> header = new ArrayList<>();
    private final List<String> groups = new ArrayList<>();
    private final List<String> labels = new ArrayList<>();
    private final List<List<Cell>> rows = new ArrayList<>();

    public Table(Results.Document doc) {
        List<Column> columns = new ArrayList<>();
        for (Scenario sc : doc.scenarios()) {
            String s = sc.name();
            // In open loop the offered rate sets requests/s: a "best" there would only mark noise.
            columns.add(new Column(s, "req/s", true, sc.rate() == 0, r -> r.load().summary().achievedRate()));
            columns.add(new Column(s, "p50", false, true, r -> r.load().summary().latency().p50Us()));
            columns.add(new Column(s, "p99", false, true, r -> r.load().summary().latency().p99Us()));
            columns.add(new Column(s, "p99.9", false, true, r -> r.load().summary().latency().p999Us()));
            columns.add(new Column(s, "errors", false, true, r -> r.load().summary().errorsTotal()));
            columns.add(new Column(s, "fair", true, true, r -> r.fairness() == null ? Double.NaN : r.fairness()));
        }
        header.add("topology");
        columns.forEach(c -> header.add(c.scenario() + " " + c.label()));
        columns.forEach(c -> groups.add(c.scenario()));
        columns.forEach(c -> labels.add(c.label()));
        double[] best = new double[columns.size()];
        boolean[] differ = new boolean[columns.size()];
        for (int i = 0; i < columns.size(); i++) {
            Column c = columns.get(i);
            best[i] = Double.NaN;
            for (Results.ConfigResult cfg : doc.configs()) {
                Results.RunResult r = cfg.completedRun(c.scenario());
                if (r != null) {
                    double v = c.value().applyAsDouble(r);
                    differ[i] |= !Double.isNaN(best[i]) && !Double.isNaN(v) && v != best[i];
                    if (!Double.isNaN(v) && (Double.isNaN(best[i])
                            || (c.higherIsBetter() ? v > best[i] : v < best[i]))) {
                        best[i] = v;
                    }
                }
            }
        }
        for (Results.ConfigResult cfg : doc.configs()) {
            List<Cell> row = new ArrayList<>();
            String label = cfg.name() + (cfg.status().equals(Results.OK) ? "" : " (" + cfg.status() + ")");
            row.add(new Cell(label, false));
            for (int i = 0; i < columns.size(); i++) {
                Column c = columns.get(i);
                Results.RunResult r = cfg.completedRun(c.scenario());
                if (r == null) {
                    boolean ran = cfg.runs().stream().anyMatch(x -> x.scenario().equals(c.scenario()));
                    row.add(new Cell(ran ? "failed" : "-", false));
                    continue;
                }
                double v = c.value().applyAsDouble(r);
                // A lone value, or a tie of all (no errors anywhere), is not "best" of anything.
                boolean isBest = c.ranked() && !Double.isNaN(v) && v == best[i] && differ[i];
                row.add(new Cell(format(c.label(), v), isBest));
            }
            rows.add(row);
        }
    }

    static String format(String label, double v) {
        if (Double.isNaN(v)) {
            return "n/a";
        }
        return switch (label) {
            case "req/s" -> String.format(Locale.ROOT, "%.0f", v);
            case "errors" -> String.format(Locale.ROOT, "%.0f", v);
            case "fair" -> String.format(Locale.ROOT, "%.3f", v);
            default -> micros(v);
        };
    }

    static String micros(double us) {
        if (us >= 1_000_000) {
            return String.format(Locale.ROOT, "%.2fs", us / 1e6);
        }
        if (us >= 1000) {
            return String.format(Locale.ROOT, "%.2fms", us / 1e3);
        }
        return String.format(Locale.ROOT, "%.0fus", us);
    }

    public List<String> header() {
        return header;
    }

    public List<List<Cell>> rows() {
        return rows;
    }

    /** Fixed-width text: a line of scenario names over a line of metrics, a trailing {@code *} on the best. */
    public String render() {
        int n = header.size();
        int[] width = new int[n];
        width[0] = "topology".length();
        for (List<Cell> row : rows) {
            width[0] = Math.max(width[0], row.get(0).text().length());
        }
        for (int i = 1; i < n; i++) {
            boolean first = i == 1 || !groups.get(i - 1).equals(groups.get(i - 2));
            width[i] = Math.max(labels.get(i - 1).length(), first ? groups.get(i - 1).length() : 0);
            for (List<Cell> row : rows) {
                width[i] = Math.max(width[i], row.get(i).text().length() + 1);
            }
        }
        StringBuilder top = new StringBuilder(pad("", width[0], true));
        StringBuilder second = new StringBuilder(pad("topology", width[0], true));
        for (int i = 1; i < n; i++) {
            // The scenario name heads the first column of its group, with a bar so the groups stand apart.
            boolean first = i == 1 || !groups.get(i - 1).equals(groups.get(i - 2));
            String sep = first ? " | " : "  ";
            top.append(sep).append(pad(first ? groups.get(i - 1) : "", width[i], true));
            second.append(sep).append(pad(labels.get(i - 1), width[i], false));
        }
        StringBuilder sb = new StringBuilder();
        sb.append(top.toString().stripTrailing()).append('\n').append(second).append('\n');
        for (List<Cell> row : rows) {
            for (int i = 0; i < n; i++) {
                Cell c = row.get(i);
                String t = c.text() + (c.best() ? "*" : i == 0 ? "" : " ");
                boolean first = i == 1 || (i > 1 && !groups.get(i - 1).equals(groups.get(i - 2)));
                sb.append(i == 0 ? pad(t, width[i], true) : (first ? " | " : "  ") + pad(t, width[i], false));
            }
            sb.append('\n');
        }
        sb.append("* best in its column; fair = Jain's index of connections over the server's loops (1 = even)\n");
        return sb.toString();
    }

    private static String pad(String s, int w, boolean left) {
        String fill = " ".repeat(Math.max(0, w - s.length()));
        return left ? s + fill : fill + s;
    }
}
