package dev.topo.loadgen.compare;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * One real {@code topo compare} run for the figures that tell the classic catalog apart: the herd (single acceptor
 * against loops sharing one socket under churn), the dynamic pool's size over time, and the mixed scenario's slow
 * requests in the tail.
 */
@Timeout(value = 150, unit = TimeUnit.SECONDS)
class CompareCatalogEndToEndTest {

    private static final Path SERVER_JAR = Path.of("../server/target/topo-server.jar");
    private static final List<String> CONFIGS = List.of("single-acceptor", "shared-listener", "pool");

    @TempDir
    static Path dir;
    static String stdout;
    static String html;
    static JsonNode results;

    @BeforeAll
    static void runCompare() throws IOException {
        assertTrue(Files.isRegularFile(SERVER_JAR), "server jar missing: " + SERVER_JAR.toAbsolutePath()
                + " (alone: mvn -B -q -pl config-model,server package -DskipTests)");
        Path scenarios = write("scenarios.yaml", """
                scenarios:
                  # Two at a time: loops are idle between connections, so each one wakes the others (with 8, busy
                  # loops coalesce the wake-ups and the herd shrinks to a few per thousand).
                  - name: churn
                    connectionMode: per-request
                    connections: 2
                  - name: mixed
                    rate: 100
                    connections: 4
                    mix:
                      path: /work?sleep=50ms
                      every: 10
                """);
        Path single = write("single-acceptor.yaml", "topology: {kind: single-acceptor, workers: 2}\n");
        Path shared = write("shared-listener.yaml", "topology: {kind: shared-listener, loops: 4}\n");
        Path pool = write("pool.yaml", "topology:\n  kind: process-shared-listener\n  loops: 2\n"
                + "  processes: {min: 1, max: 2, minSpare: 1, maxSpare: 1}\n  standbyWorkers: 0\n");
        Path out = dir.resolve("report");
        CompareCli run = CompareCli.run(false, "--configs", single.toString(), shared.toString(),
                pool.toString(), "--scenarios", scenarios.toString(), "--server-jar", SERVER_JAR.toString(),
                "--duration", "2s", "--warmup", "500ms", "--ready-timeout", "60s", "--out", out.toString());
        stdout = run.output();
        assertEquals(0, run.exitCode(), stdout);
        results = new ObjectMapper().readTree(out.resolve("results.json").toFile());
        html = Files.readString(out.resolve("index.html"));
    }

    private static Path write(String name, String yaml) throws IOException {
        Path p = dir.resolve(name);
        Files.writeString(p, yaml);
        return p;
    }

    private static JsonNode run(String config, String scenario) {
        for (JsonNode c : results.path("configs")) {
            if (c.path("name").asText().equals(config)) {
                assertEquals("ok", c.path("status").asText(), config + ": " + c.path("error"));
                for (JsonNode r : c.path("runs")) {
                    if (r.path("scenario").asText().equals(scenario)) {
                        assertEquals("ok", r.path("status").asText(), config + "/" + scenario + ": " + r);
                        return r;
                    }
                }
            }
        }
        throw new AssertionError("no run " + config + "/" + scenario + " in " + results);
    }

    @Test
    void herdIsMeasuredForEveryRunAndLoopsSharingASocketWakeUpForNothing() {
        for (String cfg : CONFIGS) {
            JsonNode herd = run(cfg, "churn").path("emptyWakeupsPerAccept");
            assertTrue(herd.isNumber() && herd.asDouble() >= 0, cfg + ": " + herd);
            // Keep-alive: every connection was accepted during the warm-up, none in the window: n/a, not 0. Not so
            // for the dynamic pool: a worker it retires closes its keep-alive connections after their next
            // response, and the client's reconnects are accepted in the window.
            if (cfg.equals("pool")) {
                continue;
            }
            assertTrue(run(cfg, "mixed").path("emptyWakeupsPerAccept").isNull(), cfg + "/mixed: "
                    + run(cfg, "mixed").path("load").path("summary").path("errors") + " opened "
                    + run(cfg, "mixed").path("load").path("summary").path("connectionsOpened") + " herd "
                    + run(cfg, "mixed").path("emptyWakeupsPerAccept"));
        }
        // One acceptor loop: nobody else to wake.
        double single = run("single-acceptor", "churn").path("emptyWakeupsPerAccept").asDouble();
        assertTrue(single < 0.05, "single-acceptor herd " + single);
        // Four loops watching one socket: a connection wakes idle loops that find nothing to accept.
        double shared = run("shared-listener", "churn").path("emptyWakeupsPerAccept").asDouble();
        assertTrue(shared > 0, "shared-listener herd " + shared);
        // Computed from the deltas: the same figure from the run's own counters.
        JsonNode delta = run("shared-listener", "churn").path("serverDelta");
        double empty = 0;
        double accepted = 0;
        for (var it = delta.fields(); it.hasNext(); ) {
            var e = it.next();
            if (e.getKey().startsWith(ServerFigures.EMPTY_WAKEUPS + "{")) {
                empty += e.getValue().asDouble();
            } else if (e.getKey().startsWith(ServerFigures.LISTENER_ACCEPTED + "{")) {
                accepted += e.getValue().asDouble();
            }
        }
        assertEquals(empty / accepted, shared, 1e-9);
        assertTrue(stdout.contains("herd"), stdout);
        // The server-side table fits a 120-column console.
        stdout.lines().filter(l -> l.contains("herd")).forEach(l -> assertTrue(l.length() <= 120, l));
        assertTrue(html.contains("<th>herd</th>"), "the page shows the server-side columns");
    }

    @Test
    void thePoolSizeIsSampledForTheDynamicPoolOnly() {
        for (String scenario : List.of("churn", "mixed")) {
            JsonNode samples = run("pool", scenario).path("poolWorkers");
            // About one a second over 2.5 s (warm-up included).
            assertTrue(samples.size() >= 2, scenario + ": " + samples);
            for (JsonNode s : samples) {
                int workers = s.path("workers").asInt();
                assertTrue(workers >= 1 && workers <= 2, scenario + ": " + samples);
            }
            assertEquals(0, run("single-acceptor", scenario).path("poolWorkers").size());
        }
        assertTrue(stdout.contains("pool"), stdout);
        // A line chart of the pool per scenario, on the page.
        for (String scenario : List.of("churn", "mixed")) {
            assertTrue(html.contains("<figure id=\"pool-" + scenario + ".png\">"), "pool chart " + scenario);
        }
    }

    @Test
    void theMixedScenarioPutsItsSlowRequestsInTheTail() {
        for (String cfg : CONFIGS) {
            JsonNode load = run(cfg, "mixed").path("load");
            assertEquals("/work?sleep=50ms:10", load.path("options").path("mix").asText());
            JsonNode sum = load.path("summary");
            assertEquals(0, sum.path("errorsTotal").asLong(), cfg + ": " + sum);
            // One request in ten sleeps 50 ms: the p99 of all requests is one of them, the median is not.
            assertTrue(sum.path("latency").path("p99Us").asDouble() >= 50_000, cfg + ": " + sum);
            assertFalse(sum.path("latency").path("p50Us").asDouble() >= 50_000, cfg + ": " + sum);
        }
    }
}
