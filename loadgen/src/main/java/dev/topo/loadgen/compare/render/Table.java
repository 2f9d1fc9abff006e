package dev.topo.loadgen.compare.render;

import dev.topo.loadgen.compare.LikeWithLike;
import dev.topo.loadgen.compare.Repeats;
import dev.topo.loadgen.compare.Results;
import dev.topo.loadgen.compare.Scenario;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.ToDoubleFunction;

/**
 * The comparison as one table: a row per configuration, for each scenario requests/s, p50, p99, p99.9, errors and
 * fairness. A clear best of a ranked column is marked with {@code *} ({@link LikeWithLike} says which columns rank
 * and what is a tie). Shared by the console and the HTML page.
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
            boolean latency = LikeWithLike.ranksLatency(sc.rate());
            // With --repeat, the medians over the runs.
            columns.add(new Column(s, "req/s", true, LikeWithLike.ranksRate(sc.rate()),
                    r -> r.figure("req/s", r.load().summary().achievedRate())));
            columns.add(new Column(s, "p50", false, latency,
                    r -> r.figure("p50", r.load().summary().latency().p50Us())));
            columns.add(new Column(s, "p99", false, latency,
                    r -> r.figure("p99", r.load().summary().latency().p99Us())));
            columns.add(new Column(s, "p99.9", false, latency,
                    r -> r.figure("p99.9", r.load().summary().latency().p999Us())));
            // Errors are reported, not competed for: a column of zeros would otherwise crown every row.
            columns.add(new Column(s, "errors", false, false, r -> r.load().summary().errorsTotal()));
            columns.add(new Column(s, "fair", true, true, r -> r.fairness() == null ? Double.NaN : r.fairness()));
        }
        header.add("topology");
        columns.forEach(c -> header.add(c.scenario() + " " + c.label()));
        columns.forEach(c -> groups.add(c.scenario()));
        columns.forEach(c -> labels.add(c.label()));
        List<List<Double>> ranked = new ArrayList<>();
        List<List<Repeats.Figure>> spreads = new ArrayList<>();
        for (Column c : columns) {
            List<Double> values = new ArrayList<>();
            List<Repeats.Figure> figures = new ArrayList<>();
            for (Results.ConfigResult cfg : doc.configs()) {
                Results.RunResult r = cfg.completedRun(c.scenario());
                // A run that did not carry the offered load is shown, not ranked.
                if (r != null && r.notComparable() == null) {
                    values.add(c.value().applyAsDouble(r));
                    figures.add(r.repeats() == null ? null : r.repeats().figures().get(c.label()));
                }
            }
            ranked.add(values);
            spreads.add(figures);
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
                boolean comparable = r.notComparable() == null;
                Repeats.Figure spread = r.repeats() == null ? null : r.repeats().figures().get(c.label());
                boolean isBest = c.ranked() && comparable && !Double.isNaN(v)
                        && LikeWithLike.clearBest(v, ranked.get(i), c.higherIsBetter())
                        && LikeWithLike.apart(spread, spreads.get(i));
                String text = format(c.label(), v) + (!comparable && c.label().equals("req/s") ? "!" : "");
                row.add(new Cell(text, isBest));
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

    /** One decimal below 100 us: CPU per request is tens of microseconds, and 12us against 13us hides 8%. */
    static String micros1(double us) {
        return us < 100 ? String.format(Locale.ROOT, "%.1fus", us) : micros(us);
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

    /** Fixed-width text, a block per scenario; a trailing {@code *} on a clear best. */
    public String render() {
        List<List<String>> text = new ArrayList<>();
        for (List<Cell> row : rows) {
            List<String> t = new ArrayList<>();
            t.add(row.get(0).text());
            // Every value cell ends in a mark or a space, so the numbers stay aligned.
            row.subList(1, row.size()).forEach(c -> t.add(c.text() + (c.best() ? "*" : " ")));
            text.add(t);
        }
        return TextGrid.render(groups, labels, text) + LEGEND;
    }

    /** What the marks mean; the page shows it too. */
    public static final String LEGEND = "* clear best of its column (by more than 5%, and with --repeat its min-max"
            + " apart from every other row's;\n  closer is a tie, not marked); req/s ranked in closed loop, latency in"
            + " open loop only; with --repeat: medians\n! missed the offered rate by more than 2%: not comparable, not"
            + " ranked\nfair = Jain's index of connections over the server's loops (1 = even; n/a with fewer than 2"
            + " loops)\n";
}
