package dev.topo.loadgen.compare;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.topo.loadgen.compare.render.BaselineText;
import dev.topo.loadgen.compare.render.Charts;
import dev.topo.loadgen.support.HeadlessChromium;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * One real {@code topo compare} run, shared by the tests: two configurations of the packaged server (and a third,
 * between them, that cannot start) under two short scenarios, on 127.0.0.1 with ephemeral ports.
 */
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class CompareEndToEndTest {

    private static final Path SERVER_JAR = Path.of("../server/target/topo-server.jar");
    private static final double RATE = 300;
    private static final double DURATION_SECONDS = 2;
    private static final byte[] PNG_MAGIC = {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'};

    @TempDir
    static Path dir;
    static Path out;
    static int exitCode;
    static String stdout;
    static JsonNode results;
    static String cpusBefore;
    static String cpusAfter;

    @BeforeAll
    static void runCompare() throws IOException {
        assertTrue(Files.isRegularFile(SERVER_JAR), "server jar missing: " + SERVER_JAR.toAbsolutePath()
                + " (mvn verify packages it first; alone: mvn -B -q -pl server -am package -DskipTests)");
        Path scenarios = dir.resolve("scenarios.yaml");
        Files.writeString(scenarios, """
                scenarios:
                  - name: keepalive
                    connections: 4
                  - name: rate
                    rate: %s
                    connections: 4
                  - name: echo
                    protocol: echo
                """.formatted(RATE));
        // No kind: the server's default, single-acceptor, must be what the results say.
        Path single = write("single-acceptor.yaml", "topology: {workers: 2}\nprotocol: http\n");
        // The server would refuse an unknown kind (and exit 2 before its ready line): compare knows it up front.
        Path broken = write("broken.yaml", "topology: {kind: no-such-kind}\n");
        Path reuseport = write("reuseport.yaml", "topology: {kind: reuseport, listeners: 2}\nprotocol: http\n");
        out = dir.resolve("report");
        cpusBefore = Placement.currentClientCpus();
        CompareCli run = CompareCli.run(false, "--configs", single.toString(),
                broken.toString(), reuseport.toString(), "--scenarios", scenarios.toString(),
                "--server-jar", SERVER_JAR.toString(), "--duration", DURATION_SECONDS + "s", "--warmup", "500ms",
                "--ready-timeout", "30s", "--out", out.toString());
        exitCode = run.exitCode();
        cpusAfter = Placement.currentClientCpus();
        stdout = run.output();
        results = new ObjectMapper().readTree(out.resolve("results.json").toFile());
    }

    private static Path write(String name, String yaml) throws IOException {
        Path p = dir.resolve(name);
        Files.writeString(p, yaml);
        return p;
    }

    private static JsonNode config(String name) {
        for (JsonNode c : results.path("configs")) {
            if (c.path("name").asText().equals(name)) {
                return c;
            }
        }
        throw new AssertionError("no configuration " + name + " in results.json");
    }

    private static JsonNode run(String config, String scenario) {
        for (JsonNode r : config(config).path("runs")) {
            if (r.path("scenario").asText().equals(scenario)) {
                return r;
            }
        }
        throw new AssertionError("no run " + config + "/" + scenario);
    }

    @Test
    void resultsHoldBothConfigurationsWithConsistentFigures() {
        assertEquals(Results.SCHEMA, results.path("schema").asText());
        assertEquals(3, results.path("configs").size());
        // Labelled by the server's rules: the file without topology.kind is a single-acceptor server.
        assertEquals("single-acceptor", config("single-acceptor").path("kind").asText());
        assertEquals("reuseport", config("reuseport").path("kind").asText());
        for (String cfg : List.of("single-acceptor", "reuseport")) {
            assertEquals("ok", config(cfg).path("status").asText(), cfg + ": " + config(cfg).path("error"));
            // The echo scenario does not apply to http servers: not run, not failed.
            assertEquals(2, config(cfg).path("runs").size(), cfg);
            for (String scenario : List.of("keepalive", "rate")) {
                JsonNode r = run(cfg, scenario);
                assertEquals("ok", r.path("status").asText(), cfg + "/" + scenario);
                JsonNode sum = r.path("load").path("summary");
                long requests = sum.path("requests").asLong();
                double seconds = sum.path("durationSeconds").asDouble();
                assertTrue(requests > 0 && seconds > 0, cfg + "/" + scenario + ": " + sum);
                // The rate is over the measured window: the drain's responses are reported apart.
                long inWindow = requests - sum.path("drainResponses").asLong();
                assertEquals(inWindow, sum.path("achievedRate").asDouble() * seconds, 1,
                        "responses in the window = achieved rate x duration");
                assertEquals(DURATION_SECONDS, seconds, 0.001);
                // The server's CPU over the window, per response: present and plausible (not 0, under 10 ms).
                JsonNode cost = r.path("serverCost");
                double cpuPerRequest = cost.path("cpuUsPerRequest").asDouble();
                assertTrue(cpuPerRequest > 0 && cpuPerRequest < 10_000, cfg + "/" + scenario + ": " + cost);
                assertTrue(cost.path("peakRssMiB").asDouble() > 10, cost.toString());
                JsonNode lat = sum.path("latency");
                assertTrue(lat.path("p50Us").asDouble() > 0, "p50 > 0");
                assertTrue(lat.path("p99Us").asDouble() >= lat.path("p50Us").asDouble(), "p99 >= p50");
                assertTrue(lat.path("p999Us").asDouble() >= lat.path("p99Us").asDouble(), "p99.9 >= p99");
                // The server counted (about) what the client did: the deltas start when the warm-up ends.
                double served = r.path("serverDelta").path("topo_requests_served_total").asDouble();
                assertEquals(requests, served, requests * 0.05 + 20, cfg + "/" + scenario + " server delta");
                assertTrue(r.path("latencyCurve").size() > 5, "latency curve");
                // Each run reports its own warm-up: here the fixed 500 ms, one window, discarded.
                JsonNode warmup = r.path("load").path("warmup");
                assertEquals("fixed", warmup.path("mode").asText(), warmup.toString());
                assertEquals(0.5, warmup.path("seconds").asDouble(), 0.001);
                assertEquals(1, warmup.path("windows").size());
                assertTrue(r.path("fairness").asDouble() > 0, "fairness");
            }
            // Open loop: the requests follow the offered rate, whatever the topology.
            JsonNode rate = run(cfg, "rate").path("load").path("summary");
            double seconds = rate.path("durationSeconds").asDouble();
            assertEquals(RATE * seconds, rate.path("requests").asDouble(), RATE * seconds * 0.1,
                    cfg + ": requests = rate x duration");
            // Keep-alive: every connection was accepted by one of the server's loops.
            long accepted = 0;
            for (JsonNode v : run(cfg, "keepalive").path("loopConnections")) {
                accepted += v.asLong();
            }
            assertTrue(accepted >= 4, cfg + ": " + accepted + " connections accepted");
        }
        assertEquals("500ms", results.path("options").path("warmup").asText());
        JsonNode machine = results.path("machine");
        assertEquals(Runtime.getRuntime().availableProcessors(), machine.path("cpus").asInt());
        assertFalse(machine.path("kernel").asText().isEmpty());
    }

    @Test
    void placementIsRecordedAndThisJvmGetsItsCpusBack() {
        JsonNode placement = results.path("placement");
        boolean canPin = Runtime.getRuntime().availableProcessors() >= 2 && Placement.tasksetAvailable();
        assertEquals(canPin, placement.path("pinned").asBoolean(), placement.toString());
        if (canPin) {
            assertFalse(placement.path("serverCpus").asText().isEmpty());
            assertFalse(placement.path("serverCpus").asText().equals(placement.path("clientCpus").asText()));
            assertTrue(config("reuseport").path("ready").asText().contains("cpus=1")
                    || Runtime.getRuntime().availableProcessors() > 2, "the server saw only its CPU set");
        }
        // The surefire JVM goes on with other tests: it must not stay on half the machine.
        assertEquals(cpusBefore, cpusAfter);
    }

    @Test
    void aConfigurationThatCannotStartIsReportedAndTheOthersRun() {
        JsonNode broken = config("broken");
        assertEquals("failed", broken.path("status").asText());
        // The server's own message (ConfigLoader's, which the server prints before exiting 2), naming file and key.
        String error = broken.path("error").asText();
        assertTrue(error.startsWith(dir.resolve("broken.yaml") + ": topology.kind: 'no-such-kind' (expected: one of"),
                error);
        assertTrue(error.contains("single-acceptor"), error);
        assertEquals("", broken.path("ready").asText(), "never started");
        // It sits between the two others in the run order, so both prove "the rest still run".
        assertEquals("ok", config("reuseport").path("status").asText());
        assertEquals(1, exitCode, "exit code with a failed configuration");
        assertTrue(stdout.contains("broken: failed"), stdout);
        for (String cfg : List.of("single-acceptor", "reuseport")) {
            assertTrue(stdout.lines().anyMatch(l -> l.startsWith(cfg + " ")), "table row " + cfg + ":\n" + stdout);
        }
        // A block per scenario: the console tables fit 120 columns (the failed configuration's message may not).
        stdout.lines().filter(l -> !l.contains(": failed: ")).forEach(l ->
                assertTrue(l.length() <= 120, l.length() + " columns: " + l));
        assertTrue(stdout.contains("== keepalive ==") && stdout.contains("== rate =="), stdout);
    }

    @Test
    void htmlAndPngsExistAndTheHtmlReferencesEveryChart() throws IOException {
        List<Path> pngs;
        try (Stream<Path> s = Files.list(out)) {
            pngs = s.filter(p -> p.toString().endsWith(".png")).sorted().toList();
        }
        List<String> names = new ArrayList<>(pngs.stream().map(p -> p.getFileName().toString()).toList());
        // Throughput, and a latency and a spread chart for each scenario that ran.
        assertTrue(names.containsAll(List.of("throughput.png", "throughput-keepalive.png", "throughput-rate.png",
                "latency-keepalive.png", "latency-rate.png", "spread-keepalive.png", "spread-rate.png",
                "timeline-keepalive.png", "timeline-rate.png")),
                names.toString());
        assertFalse(names.contains("latency-echo.png"), "no chart for a scenario that ran nowhere");
        for (Path png : pngs) {
            byte[] head = Arrays.copyOf(Files.readAllBytes(png), PNG_MAGIC.length);
            assertArrayEquals(PNG_MAGIC, head, png + " PNG signature");
            BufferedImage img = ImageIO.read(png.toFile());
            assertNotNull(img, png + " decodes");
            assertEquals(Charts.WIDTH, img.getWidth());
        }
        String html = Files.readString(out.resolve("index.html"));
        // One table per scenario, each followed by its verdicts (two http servers ran: someone wins or ties).
        assertTrue(html.contains("<h3>keepalive</h3>") && html.contains("<h3>rate</h3>"), "a table per scenario");
        assertTrue(html.contains("<ul class=\"verdicts\">") && html.contains("How to read this"), "verdicts");
        assertTrue(stdout.contains("== verdicts ==\nkeepalive: "), stdout);
        assertTrue(html.startsWith("<!DOCTYPE html>") && html.trim().endsWith("</html>"));
        for (String n : names) {
            assertTrue(html.contains("href=\"" + n + "\""), "index.html links " + n);
            assertTrue(html.contains("<figure id=\"" + n + "\">"), "index.html shows " + n);
        }
        assertEquals(names.size(), html.split("src=\"data:image/png;base64,", -1).length - 1, "one inline PNG each");
        // Self-contained: nothing to fetch.
        assertFalse(html.contains("src=\"http") || html.contains("<script") || html.contains("<link"), "no network");
    }

    @Test
    void thePageRendersOfflineWithEveryChartAndVerdictAndNoSidewaysScroll() throws Exception {
        HeadlessChromium chromium = HeadlessChromium.find();
        HeadlessChromium.Render page = chromium.render(out.resolve("index.html"));
        long charts;
        try (Stream<Path> s = Files.list(out)) {
            charts = s.filter(p -> p.toString().endsWith(".png")).count();
        }
        assertEquals(charts, page.images(), "an image per chart");
        assertEquals(page.images(), page.decoded(), "every inline chart decodes with the network blocked");
        assertEquals(Charts.WIDTH, page.widestImage(), "the charts at their size");
        assertEquals(0, page.fetches(), "nothing fetched");
        assertTrue(page.verdicts() >= 2, "verdicts for both http scenarios: " + page.verdicts());
        assertTrue(page.overflowPixels() <= 0, "the page scrolls sideways by " + page.overflowPixels() + " px");
        assertTrue(page.dom().contains("How to read this"), "the reading guide is on the page");
    }

    @Test
    void baselineShowsTheChange() {
        ObjectNode older = results.deepCopy();
        // The "old" run was half as fast everywhere: the change must read +100 %.
        for (JsonNode c : older.path("configs")) {
            for (JsonNode r : c.path("runs")) {
                ObjectNode sum = (ObjectNode) r.path("load").path("summary");
                if (!sum.isMissingNode()) {
                    sum.put("achievedRate", sum.path("achievedRate").asDouble() / 2);
                    // A summary's p99 is not what the baseline reads when the run kept its histogram.
                    ((ObjectNode) sum.path("latency")).put("p99Us", 1e9);
                    assertTrue(r.path("latencyHistogram").isTextual(), "histogram kept: " + r.path("scenario"));
                }
            }
        }
        List<Baseline.Change> changes = Baseline.compare(older, results);
        assertEquals(4, changes.size(), changes.toString());
        for (Baseline.Change c : changes) {
            assertEquals(100, c.ratePercent(), 0.01, c.toString());
            assertEquals(0, c.p99Percent(), 0.01, c.toString());
        }
        assertTrue(BaselineText.render(changes).contains("+100.0%"));
        assertEquals(List.of(), Baseline.mismatches(older, results));
        ((ObjectNode) older.path("machine")).put("cpus", 64);
        List<String> mismatches = Baseline.mismatches(older, results);
        assertEquals(1, mismatches.size(), mismatches.toString());
        assertTrue(mismatches.get(0).startsWith("machine.cpus: 64 then, "), mismatches.toString());
        assertTrue(BaselineText.render(changes, mismatches).startsWith("WARNING: the baseline ran elsewhere"));
    }
}
