package dev.topo.loadgen.compare.render;

import dev.topo.loadgen.compare.Baseline;
import dev.topo.loadgen.compare.Results;
import dev.topo.loadgen.compare.Scenario;
import dev.topo.loadgen.compare.Verdicts;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * {@code index.html}: one self-contained page (no script, no font, no request: the charts are inline {@code data:}
 * PNGs), with links to the same PNG files beside it.
 */
public final class HtmlReport {

    private HtmlReport() {
    }

    public static void write(Results.Document doc, Table table, List<Charts.Chart> charts,
                             List<Baseline.Change> changes, List<String> mismatches, Path dir)
            throws IOException {
        StringBuilder h = new StringBuilder(64 * 1024);
        h.append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>Topo compare</title>\n")
                .append("<style>body{font-family:sans-serif;margin:1.5em;color:#222}")
                .append("table{border-collapse:collapse;font-size:13px}td,th{border:1px solid #ccc;padding:3px 6px;")
                .append("text-align:right}td:first-child,th:first-child{text-align:left}")
                .append("td.best{background:#d8f5d0;font-weight:bold}.failed{color:#b00}")
                .append("img{max-width:100%;border:1px solid #ddd}figure{margin:1.5em 0}</style></head><body>\n");
        h.append("<h1>Topo compare</h1>\n<p>").append(esc(String.format(Locale.ROOT,
                "%s to %s; %d CPUs, %s %s (%s), %s; %.0f s measured per scenario after %s.",
                doc.startedAt(), doc.finishedAt(), doc.machine().cpus(), doc.machine().os(),
                doc.machine().kernel(), doc.machine().arch(), doc.machine().jvm(), doc.options().durationSeconds(),
                warmup(doc.options())))).append("<br>Placement: ").append(esc(doc.placement().note()))
                .append("</p>\n");

        h.append("<h2>How to read this</h2>\n<p>").append(esc(HOW_TO_READ)).append("</p>\n");
        ServerTable server = new ServerTable(doc);
        Map<String, List<String>> verdicts = Verdicts.of(doc);
        for (Scenario sc : doc.scenarios()) {
            scenario(h, sc.name(), table, server, verdicts.getOrDefault(sc.name(), List.of()));
        }
        h.append("<p>").append(esc(Table.LEGEND.replace("* clear best", "Highlighted: the clear best"))
                .replace("\n", "<br>")).append("<br>").append(esc(ServerTable.LEGEND).replace("\n", "<br>"))
                .append("</p>\n");

        h.append("<h2>Servers</h2>\n<ul>\n");
        doc.configs().stream().filter(c -> c.ready() != null && !c.ready().isEmpty())
                .forEach(c -> h.append("<li><b>").append(esc(c.name())).append("</b> <code>").append(esc(c.ready()))
                        .append("</code></li>\n"));
        h.append("</ul>\n");
        List<Results.ConfigResult> notOk = doc.configs().stream().filter(c -> !c.status().equals(Results.OK)).toList();
        if (!notOk.isEmpty()) {
            h.append("<h2>Failed and skipped</h2>\n<ul>\n");
            notOk.forEach(c -> h.append("<li class=\"failed\"><b>").append(esc(c.name())).append("</b> ")
                    .append(esc(c.status())).append(": ").append(esc(c.error())).append("</li>\n"));
            h.append("</ul>\n");
        }
        if (changes != null) {
            h.append("<h2>Change against the baseline</h2>\n");
            if (mismatches != null && !mismatches.isEmpty()) {
                h.append("<p class=\"failed\"><b>The baseline ran elsewhere or otherwise: its changes are not the"
                        + " code's alone.</b><br>").append(esc(String.join("; ", mismatches))).append("</p>\n");
            }
            h.append("<table><tr><th>topology</th><th>scenario</th>")
                    .append("<th>req/s before</th><th>req/s now</th><th>change</th><th>p99 before</th>")
                    .append("<th>p99 now</th><th>change</th></tr>\n");
            for (Baseline.Change c : changes) {
                h.append(String.format(Locale.ROOT, "<tr><td>%s</td><td>%s</td><td>%.0f</td><td>%.0f</td>"
                                + "<td>%+.1f%%</td><td>%s</td><td>%s</td><td>%+.1f%%</td></tr>%n", esc(c.config()),
                        esc(c.scenario()), c.oldRate(), c.newRate(), c.ratePercent(), Table.micros(c.oldP99()),
                        Table.micros(c.newP99()), c.p99Percent()));
            }
            h.append("</table>\n");
        }

        h.append("<h2>Charts</h2>\n");
        for (Charts.Chart c : charts) {
            String b64 = Base64.getEncoder().encodeToString(Files.readAllBytes(dir.resolve(c.file())));
            h.append("<figure id=\"").append(esc(c.file())).append("\"><h3>").append(esc(c.title()))
                    .append("</h3><img alt=\"").append(esc(c.title())).append("\" src=\"data:image/png;base64,")
                    .append(b64).append("\"><figcaption>").append(esc(c.caption())).append(" (<a href=\"")
                    .append(esc(c.file())).append("\">").append(esc(c.file())).append("</a>)</figcaption></figure>\n");
        }
        h.append("<p>All figures: <a href=\"results.json\">results.json</a>.</p>\n</body></html>\n");
        Files.writeString(dir.resolve("index.html"), h, StandardCharsets.UTF_8);
    }

    /** For someone who did not write the tool: what the figures are and which of them compare servers. */
    static final String HOW_TO_READ = "One table per scenario, a row per server configuration. req/s is what the"
            + " client got answered; in closed-loop scenarios it is ranked, but on a small machine the client often"
            + " saturates first. p50/p99/p99.9 include failed requests at the time they failed; they are ranked only"
            + " in open-loop scenarios (a fixed offered rate), where a stall cannot hide. cpu/req is the server's own"
            + " CPU time per response: at the same offered rate (keepalive-rate, churn-rate) it is what separates"
            + " topologies. A highlighted cell is a clear best (more than 5% ahead, and apart from the others' spread"
            + " with --repeat); closer is a tie. A run marked ! did not carry the offered rate and is not compared.";

    /** One scenario: its load and server columns side by side in one table, then its verdicts. */
    private static void scenario(StringBuilder h, String name, Table table, ServerTable server,
                                 List<String> verdicts) {
        List<Integer> load = columnsOf(table.header(), name);
        List<Integer> cost = columnsOf(server.header(), name);
        if (load.isEmpty()) {
            return;
        }
        h.append("<h3>").append(esc(name)).append("</h3>\n<table><tr><th>topology</th>");
        load.forEach(i -> h.append("<th>").append(esc(label(table.header().get(i), name))).append("</th>"));
        cost.forEach(i -> h.append("<th>").append(esc(label(server.header().get(i), name))).append("</th>"));
        h.append("</tr>\n");
        for (int row = 0; row < table.rows().size(); row++) {
            List<Table.Cell> cells = table.rows().get(row);
            h.append("<tr><td>").append(esc(cells.get(0).text())).append("</td>");
            load.forEach(i -> h.append(cells.get(i).best() ? "<td class=\"best\">" : "<td>")
                    .append(esc(cells.get(i).text())).append("</td>"));
            List<String> costs = server.rows().get(row);
            cost.forEach(i -> h.append("<td>").append(esc(costs.get(i))).append("</td>"));
            h.append("</tr>\n");
        }
        h.append("</table>\n");
        if (!verdicts.isEmpty()) {
            h.append("<ul class=\"verdicts\">\n");
            verdicts.forEach(v -> h.append("<li>").append(esc(v)).append("</li>\n"));
            h.append("</ul>\n");
        }
    }

    /** Indexes of the header entries {@code "scenario label"} of one scenario. */
    private static List<Integer> columnsOf(List<String> header, String scenario) {
        List<Integer> out = new ArrayList<>();
        for (int i = 1; i < header.size(); i++) {
            if (header.get(i).startsWith(scenario + " ")) {
                out.add(i);
            }
        }
        return out;
    }

    private static String label(String header, String scenario) {
        return header.substring(scenario.length() + 1);
    }

    private static String warmup(Results.Options o) {
        return o.warmup().equals("auto")
                ? String.format(Locale.ROOT, "a warm-up until steady (at most %.0f s)", o.warmupSeconds())
                : o.warmup() + " of warm-up";
    }

    static String esc(String s) {
        if (s == null) {
            return "";
        }
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }
}
