package dev.topo.loadgen.report;

import dev.topo.loadgen.engine.ConnectionMode;
import dev.topo.loadgen.engine.LoadResult;
import dev.topo.loadgen.engine.LoadSpec;
import dev.topo.loadgen.engine.Summary;
import dev.topo.loadgen.engine.WarmupReport;
import dev.topo.loadgen.engine.WarmupWindow;
import dev.topo.loadgen.stats.Distribution;
import dev.topo.loadgen.stats.LatencyStats;
import dev.topo.loadgen.stats.SpreadCounter;
import dev.topo.loadgen.stats.SpreadTable;

import java.io.PrintWriter;
import java.util.Locale;
import java.util.Map;

/** The final human summary, laid out like wrk's so the two read side by side. */
public final class ConsoleReport {

    private ConsoleReport() {
    }

    public static String header(LoadSpec spec) {
        StringBuilder sb = new StringBuilder();
        sb.append(String.format(Locale.ROOT, "Running %s test @ %s%n", seconds(spec.duration().toMillis() / 1000.0),
                spec.target()));
        sb.append(String.format(Locale.ROOT, "  %d threads and %d connections, %s, %s%s%n", spec.threads(),
                spec.connections(),
                spec.connectionMode() == ConnectionMode.KEEPALIVE ? "keep-alive"
                        : "connection per request (close: " + spec.closeMode().label() + ")",
                spec.openLoop() ? "open loop at " + Units.number(spec.rate()) + " req/s" : "closed loop",
                spec.pipeline() > 1 ? ", pipeline " + spec.pipeline() : ""));
        if (!spec.segment().isWhole()) {
            // The figures above are the whole test's, as every part is given them; this is what this one runs.
            sb.append(String.format(Locale.ROOT, "  segment %s: %d of the connections%s%n", spec.segment().label(),
                    spec.segment().share(spec.connections()),
                    spec.openLoop() ? ", " + Units.number(spec.segmentRate()) + " req/s" : ""));
        }
        return sb.toString();
    }

    public static void print(LoadResult result, PrintWriter out) {
        LoadSpec spec = result.spec();
        Summary s = result.summary();
        out.print(header(spec));
        warmup(out, result.warmup(), spec.openLoop());
        out.printf(Locale.ROOT, "  %-12s %9s %9s %9s %9s %9s %9s %9s %9s%n", "", "p50", "p90", "p99", "p99.9",
                "p99.99", "max", "mean", "stdev");
        latency(out, spec.openLoop() ? "Latency*" : "Latency", s.latency());
        if (spec.openLoop()) {
            latency(out, "Uncorrected", s.latencyUncorrected());
        }
        latency(out, "Connect", s.connect());
        latency(out, "TTFB", s.ttfb());
        if (spec.openLoop()) {
            latency(out, "Send lag", s.sendLag());
            out.printf(Locale.ROOT, "  * from the intended send time (coordinated omission corrected)%n");
            out.printf(Locale.ROOT, "  Schedule: %d due, %d sent, %d dropped%s%n", s.scheduled(), s.sent(),
                    s.dropped(), s.dropped() > 0 ? " (never sent: in Latency* at the time they had waited)" : "");
            if (s.blockedRequests() > 0) {
                out.printf(Locale.ROOT, "  Blocked: %d requests waited for a free connection, mean %s, max %s%n",
                        s.blockedRequests(), Units.micros(s.blockedMeanUs()), Units.micros(s.blockedMaxUs()));
            }
        }
        out.printf(Locale.ROOT, "  %d requests in %s%s, %s read; connections: %d opened, at most %d open%n",
                s.requests(), seconds(s.durationSeconds()), s.drainResponses() == 0 ? ""
                        : String.format(Locale.ROOT, " (%d of them in a %s drain after it)", s.drainResponses(),
                        seconds(s.drainSeconds())),
                Units.bytes(s.bytesRead()), s.connectionsOpened(), s.maxOpenConnections());
        StringBuilder status = new StringBuilder();
        for (Map.Entry<String, Long> e : s.statusClasses().entrySet()) {
            if (e.getValue() > 0) {
                status.append(' ').append(e.getKey()).append(' ').append(e.getValue());
            }
        }
        if (status.length() > 0) {
            out.printf(Locale.ROOT, "  Status:%s%n", status);
        }
        if (s.errorsTotal() > 0) {
            StringBuilder errors = new StringBuilder();
            for (Map.Entry<String, Long> e : s.errors().entrySet()) {
                if (e.getValue() > 0) {
                    errors.append(' ').append(e.getKey()).append(' ').append(e.getValue());
                }
            }
            out.printf(Locale.ROOT, "  Errors:%s (%.3f%% of requests)%n", errors, s.errorRate() * 100);
        }
        out.printf(Locale.ROOT, "Requests/sec: %10.2f%s%n", s.achievedRate(),
                spec.openLoop() ? " (requested " + Units.number(s.requestedRate()) + ")" : "");
        out.printf(Locale.ROOT, "Transfer/sec: %10s%n",
                Units.bytes(s.durationSeconds() > 0 ? s.bytesRead() / s.durationSeconds() : 0));
        spread(out, result.spread().listener());
        spread(out, result.spread().loop());
        out.flush();
    }

    /** How long the discarded warm-up took and why it ended: a short run's figures depend on it. */
    private static void warmup(PrintWriter out, WarmupReport w, boolean openLoop) {
        if (w.windows().isEmpty()) {
            return;
        }
        StringBuilder rates = new StringBuilder();
        for (WarmupWindow window : w.windows()) {
            rates.append(rates.length() == 0 ? "" : " ").append(Units.rate(window.rate()));
        }
        String rule = (openLoop ? "two 1s windows on schedule, send lag settled" : "two 1s windows within 5%")
                + ", JIT quiet";
        if (w.mode().equals("auto")) {
            out.printf(Locale.ROOT, w.steady() ? "  Warm-up: %s until steady (%s), discarded%n"
                    : "  Warm-up: %s, the ceiling, not steady (%s): measured anyway%n", seconds(w.seconds()), rule);
        } else {
            out.printf(Locale.ROOT, "  Warm-up: %s (fixed), discarded%s%n", seconds(w.seconds()),
                    w.steady() || w.windows().size() < 2 ? "" : "; not steady at its end (--warmup auto waits)");
        }
        out.printf(Locale.ROOT, "  Warm-up req/s: %s%n", rates);
    }

    private static void latency(PrintWriter out, String name, LatencyStats l) {
        if (l.count() == 0) {
            return;
        }
        out.printf(Locale.ROOT, "  %-12s %9s %9s %9s %9s %9s %9s %9s %9s%n", name, Units.micros(l.p50Us()),
                Units.micros(l.p90Us()), Units.micros(l.p99Us()), Units.micros(l.p999Us()), Units.micros(l.p9999Us()),
                Units.micros(l.maxUs()), Units.micros(l.meanUs()), Units.micros(l.stdevUs()));
    }

    private static void spread(PrintWriter out, SpreadTable t) {
        if (t.entries().isEmpty()) {
            return;
        }
        out.printf(Locale.ROOT, "Spread by %s:%n", t.header());
        out.printf(Locale.ROOT, "  %-24s %12s %12s%n", "value", "responses", "connections");
        for (SpreadCounter.Count c : t.entries()) {
            out.printf(Locale.ROOT, "  %-24s %12d %12d%n", c.value(), c.responses(), c.connections());
        }
        distribution(out, "responses", t.responses());
        distribution(out, "connections", t.connections());
    }

    private static void distribution(PrintWriter out, String name, Distribution d) {
        out.printf(Locale.ROOT, "  %-12s min %d, max %d, cv %.3f, jain %.3f%n", name, d.min(), d.max(), d.cv(),
                d.jain());
    }

    private static String seconds(double s) {
        return String.format(Locale.ROOT, "%.2fs", s);
    }
}
