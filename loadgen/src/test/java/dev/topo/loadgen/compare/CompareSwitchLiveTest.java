package dev.topo.loadgen.compare;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** {@code compare --switch-live}: every configuration measured on one server process, switched live between them. */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class CompareSwitchLiveTest {
    private static final Path SERVER_JAR = Path.of("../server/target/topo-server.jar");

    @TempDir
    Path dir;

    @Test
    void oneServerProcessServesEveryConfiguration() throws Exception {
        Path scenarios = Files.writeString(dir.resolve("scenarios.yaml"),
                "scenarios:\n  - name: keepalive\n    connections: 4\n");
        Path single = Files.writeString(dir.resolve("single.yaml"), "topology: {kind: single-acceptor}\n");
        Path pool = Files.writeString(dir.resolve("pool.yaml"), "topology: {kind: thread-pool, workers: 4}\n");
        Path reuseport = Files.writeString(dir.resolve("reuseport.yaml"),
                "topology: {kind: reuseport, listeners: 2}\n");
        Path out = dir.resolve("report");
        // Tables on stdout, progress (ready, switched live) on stderr: both, in one stream.
        CompareCli run = CompareCli.run(true, "--configs", single.toString(), pool.toString(), reuseport.toString(),
                "--scenarios", scenarios.toString(), "--server-jar", SERVER_JAR.toString(), "--duration", "1s",
                "--warmup", "300ms", "--ready-timeout", "30s", "--switch-live", "--out", out.toString());
        String stdout = run.output();
        assertEquals(0, run.exitCode(), stdout);
        JsonNode results = new ObjectMapper().readTree(out.resolve("results.json").toFile());
        assertTrue(results.path("options").path("switchLive").asBoolean(), "recorded in results.json");
        // Started once, switched twice: the same pid says "switched live" for the next two.
        Matcher started = Pattern.compile("single ready \\(pid (\\d+)").matcher(stdout);
        assertTrue(started.find(), stdout);
        assertEquals(2, stdout.split("switched live \\(pid " + started.group(1) + "\\)", -1).length - 1, stdout);
        for (JsonNode c : results.path("configs")) {
            assertEquals("ok", c.path("status").asText(), c.toString());
            JsonNode summary = c.path("runs").get(0).path("load").path("summary");
            assertEquals(0, summary.path("errorsTotal").asLong(), summary.toString());
            assertTrue(summary.path("requests").asLong() > 100, summary.toString());
        }
        assertTrue(results.path("configs").get(1).path("ready").asText().contains("\"to\" : \"thread-pool\""),
                results.path("configs").get(1).toString());
    }
}
