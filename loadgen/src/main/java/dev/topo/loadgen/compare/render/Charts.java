package dev.topo.loadgen.compare.render;

import dev.topo.loadgen.compare.Results;
import dev.topo.loadgen.compare.Scenario;
import org.jfree.chart.ChartFactory;
import org.jfree.chart.ChartUtils;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.axis.LogAxis;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.axis.NumberTickUnit;
import org.jfree.chart.plot.PlotOrientation;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.category.BarRenderer;
import org.jfree.chart.renderer.category.LineAndShapeRenderer;
import org.jfree.chart.renderer.category.StandardBarPainter;
import org.jfree.chart.renderer.xy.XYLineAndShapeRenderer;
import org.jfree.data.category.DefaultCategoryDataset;
import org.jfree.data.xy.XYSeries;
import org.jfree.data.xy.XYSeriesCollection;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The report's charts, drawn by JFreeChart and written as PNG files. */
public final class Charts {

    public static final int WIDTH = 1000;
    public static final int HEIGHT = 520;
    /** Loops beyond this many (thread-per-connection names a thread per connection) are summed as "others". */
    private static final int MAX_LOOPS = 8;

    /** One chart: its file name (in the report directory), title and what it shows. */
    public record Chart(String file, String title, String caption) {
    }

    private Charts() {
    }

    /** Writes every chart into {@code dir} and returns them in page order. */
    public static List<Chart> write(Results.Document doc, Path dir) throws IOException {
        System.setProperty("java.awt.headless", "true");
        List<Chart> charts = new ArrayList<>();
        charts.add(throughput(doc, dir));
        for (Scenario s : doc.scenarios()) {
            if (!doc.completedRuns(s.name()).isEmpty()) {
                charts.add(throughput(doc, s, dir));
                charts.add(latency(doc, s, dir));
                charts.add(timeline(doc, s, dir));
                charts.add(spread(doc, s, dir));
                if (doc.completedRuns(s.name()).values().stream().anyMatch(r -> !r.poolWorkers().isEmpty())) {
                    charts.add(pool(doc, s, dir));
                }
            }
        }
        return charts;
    }

    private static Chart throughput(Results.Document doc, Path dir) throws IOException {
        DefaultCategoryDataset data = new DefaultCategoryDataset();
        for (Results.ConfigResult cfg : doc.configs()) {
            for (Scenario s : doc.scenarios()) {
                Results.RunResult r = cfg.completedRun(s.name());
                if (r != null) {
                    data.addValue(r.load().summary().achievedRate(), cfg.name(), s.name());
                }
            }
        }
        JFreeChart chart = ChartFactory.createBarChart("Throughput per topology and scenario", "scenario",
                "requests/s (log scale)", data, PlotOrientation.VERTICAL, true, false, false);
        // Scenarios differ by orders of magnitude (echo vs /work?sleep): on a linear axis the slow ones vanish.
        LogAxis axis = new LogAxis("requests/s (log scale)");
        axis.setSmallestValue(1);
        // Whole decades, written as plain numbers rather than 10^4.5.
        axis.setTickUnit(new NumberTickUnit(1));
        axis.setNumberFormatOverride(new java.text.DecimalFormat("#,##0"));
        chart.getCategoryPlot().setRangeAxis(axis);
        // Dots, not bars: a bar's length on a log axis starts at an arbitrary 1 and misstates every ratio.
        chart.getCategoryPlot().setRenderer(new LineAndShapeRenderer(false, true));
        return save(chart, dir, "throughput.png", "Throughput per topology and scenario",
                "Achieved requests per second on a log scale, a dot per topology (the open-loop scenarios' is fixed"
                        + " by the offered load); each scenario's own chart below compares the topologies on a linear"
                        + " scale.");
    }

    private static Chart throughput(Results.Document doc, Scenario s, Path dir) throws IOException {
        DefaultCategoryDataset data = new DefaultCategoryDataset();
        doc.completedRuns(s.name()).forEach((config, r) ->
                data.addValue(r.load().summary().achievedRate(), s.name(), config));
        JFreeChart chart = ChartFactory.createBarChart("Throughput: " + s.name(), "topology", "requests/s", data,
                PlotOrientation.VERTICAL, false, false, false);
        ((BarRenderer) chart.getCategoryPlot().getRenderer()).setBarPainter(new StandardBarPainter());
        return save(chart, dir, "throughput-" + s.name() + ".png", "Throughput: " + s.name(),
                "Achieved requests per second of each topology in this scenario.");
    }

    private static Chart latency(Results.Document doc, Scenario s, Path dir) throws IOException {
        XYSeriesCollection data = new XYSeriesCollection();
        for (Map.Entry<String, Results.RunResult> run : doc.completedRuns(s.name()).entrySet()) {
            XYSeries series = new XYSeries(run.getKey());
            for (Results.Point p : run.getValue().latencyCurve()) {
                // x = 1/(1-p): each "nine" is one decade, as HdrHistogram plots. The max (100%) has no place on
                // that axis; drawn at the last nine it would overwrite the 99.999% point, so it is left to the table.
                if (p.percentile() < 100) {
                    series.add(1 / (1 - p.percentile() / 100), Math.max(p.latencyUs() / 1000, 0.001));
                }
            }
            data.addSeries(series);
        }
        JFreeChart chart = ChartFactory.createXYLineChart("Latency by percentile: " + s.name(), "percentile",
                "latency (ms)", data, PlotOrientation.VERTICAL, true, false, false);
        XYPlot plot = chart.getXYPlot();
        LogAxis x = new LogAxis("percentile (0%, 90%, 99%, 99.9%, ... at each decade)");
        x.setBase(10);
        x.setSmallestValue(1);
        x.setNumberFormatOverride(new PercentileFormat());
        // One tick per "nine": LogAxis tick units are in powers of the base.
        x.setTickUnit(new NumberTickUnit(1));
        plot.setDomainAxis(x);
        LogAxis y = new LogAxis("latency (ms)");
        y.setSmallestValue(0.001);
        y.setTickUnit(new NumberTickUnit(1));
        y.setNumberFormatOverride(new java.text.DecimalFormat("0.###"));
        plot.setRangeAxis(y);
        plot.setRenderer(new XYLineAndShapeRenderer(true, true));
        String file = "latency-" + s.name() + ".png";
        return save(chart, dir, file, "Latency percentiles: " + s.name(),
                "HdrHistogram-style: percentile on a log scale of 1/(1-p), latency on a log scale; up to 99.999%"
                        + " (the max is in the table).");
    }

    /** Each second's rate of each topology: a stall, a slow start or a collapse that the totals average away. */
    private static Chart timeline(Results.Document doc, Scenario s, Path dir) throws IOException {
        XYSeriesCollection data = new XYSeriesCollection();
        for (Map.Entry<String, Results.RunResult> run : doc.completedRuns(s.name()).entrySet()) {
            XYSeries series = new XYSeries(run.getKey());
            run.getValue().load().timeline().forEach(p -> series.add(p.elapsedSeconds(), p.rate()));
            data.addSeries(series);
        }
        JFreeChart chart = ChartFactory.createXYLineChart("Requests/s over the run: " + s.name(),
                "seconds into the measured window", "requests/s", data, PlotOrientation.VERTICAL, true, false,
                false);
        chart.getXYPlot().setRenderer(new XYLineAndShapeRenderer(true, true));
        String file = "timeline-" + s.name() + ".png";
        return save(chart, dir, file, "Timeline: " + s.name(),
                "Responses per second of each topology through the measured window (the warm-up excluded).");
    }

    private static Chart spread(Results.Document doc, Scenario s, Path dir) throws IOException {
        DefaultCategoryDataset data = new DefaultCategoryDataset();
        for (Map.Entry<String, Results.RunResult> run : doc.completedRuns(s.name()).entrySet()) {
            Results.RunResult r = run.getValue();
            boolean serverCounted = r.loopConnections().values().stream().anyMatch(v -> v > 0);
            Map<String, Long> loops = serverCounted ? r.loopConnections() : clientSpread(r);
            List<Long> counts = new ArrayList<>(loops.values());
            counts.sort(Comparator.reverseOrder());
            long total = counts.stream().mapToLong(Long::longValue).sum();
            if (total == 0) {
                continue;
            }
            long others = 0;
            for (int i = 0; i < counts.size(); i++) {
                if (i < MAX_LOOPS) {
                    data.addValue(counts.get(i) * 100.0 / total, "loop #" + (i + 1), run.getKey());
                } else {
                    others += counts.get(i);
                }
            }
            if (others > 0) {
                data.addValue(others * 100.0 / total, "others", run.getKey());
            }
        }
        JFreeChart chart = ChartFactory.createStackedBarChart("Connections per loop: " + s.name(), "topology",
                "% of the connections (loops busiest first)", data, PlotOrientation.HORIZONTAL, true, false, false);
        ((NumberAxis) chart.getCategoryPlot().getRangeAxis()).setRange(0, 100);
        ((BarRenderer) chart.getCategoryPlot().getRenderer()).setBarPainter(new StandardBarPainter());
        String file = "spread-" + s.name() + ".png";
        return save(chart, dir, file, "Connection spread over listeners/loops: " + s.name(),
                "Share of the connections each loop accepted (server metrics), busiest loop first: equal slices are"
                        + " an even spread.");
    }

    /** The dynamic pools' size during one scenario: a line per configuration that has a pool. */
    private static Chart pool(Results.Document doc, Scenario s, Path dir) throws IOException {
        XYSeriesCollection data = new XYSeriesCollection();
        for (Map.Entry<String, Results.RunResult> run : doc.completedRuns(s.name()).entrySet()) {
            if (!run.getValue().poolWorkers().isEmpty()) {
                XYSeries series = new XYSeries(run.getKey());
                run.getValue().poolWorkers().forEach(p -> series.add(p.secondsIn(), p.workers()));
                data.addSeries(series);
            }
        }
        JFreeChart chart = ChartFactory.createXYLineChart("Worker processes: " + s.name(),
                "seconds since the run started (warm-up included)", "workers", data, PlotOrientation.VERTICAL,
                true, false, false);
        XYPlot plot = chart.getXYPlot();
        NumberAxis y = (NumberAxis) plot.getRangeAxis();
        // Whole workers, from 0, so a pool of 1 to 2 does not look like a swing of the whole height.
        y.setStandardTickUnits(NumberAxis.createIntegerTickUnits());
        y.setAutoRangeIncludesZero(true);
        plot.setRenderer(new XYLineAndShapeRenderer(true, true));
        String file = "pool-" + s.name() + ".png";
        return save(chart, dir, file, "Dynamic pool size: " + s.name(),
                "topo_pool_workers sampled once a second while the scenario ran, for servers with a dynamic pool.");
    }

    private static Map<String, Long> clientSpread(Results.RunResult r) {
        Map<String, Long> out = new LinkedHashMap<>();
        r.load().spread().loop().entries().forEach(e -> out.put(e.value(), e.connections()));
        return out;
    }

    private static Chart save(JFreeChart chart, Path dir, String file, String title, String caption)
            throws IOException {
        chart.getPlot().setBackgroundPaint(java.awt.Color.WHITE);
        ChartUtils.saveChartAsPNG(dir.resolve(file).toFile(), chart, WIDTH, HEIGHT);
        return new Chart(file, title, caption);
    }

    /** Labels 1/(1-p) ticks with the percentile they stand for: 10 → 90%, 1000 → 99.9%. */
    private static final class PercentileFormat extends java.text.NumberFormat {
        @Override
        public StringBuffer format(double number, StringBuffer to, java.text.FieldPosition pos) {
            double p = 100 * (1 - 1 / number);
            return to.append(p <= 0 ? "0%" : java.math.BigDecimal.valueOf(p).setScale(4,
                    java.math.RoundingMode.HALF_UP).stripTrailingZeros().toPlainString() + "%");
        }

        @Override
        public StringBuffer format(long number, StringBuffer to, java.text.FieldPosition pos) {
            return format((double) number, to, pos);
        }

        @Override
        public Number parse(String source, java.text.ParsePosition pos) {
            throw new UnsupportedOperationException();
        }
    }
}
