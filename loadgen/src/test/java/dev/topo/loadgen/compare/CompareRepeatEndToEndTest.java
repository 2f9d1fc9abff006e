package dev.topo.loadgen.compare;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.topo.loadgen.cli.CompareCommand;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code --repeat 2} on the packaged server: the median run, with the spread of its figures, in results.json. */
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class CompareRepeatEndToEndTest {

    private static final Path SERVER_JAR = Path.of("../server/target/topo-server.jar");

    @Test
    void repeatedRunsKeepMediansAndSpreads(@TempDir Path dir) throws Exception {
        assertTrue(Files.isRegularFile(SERVER_JAR), "server jar missing: " + SERVER_JAR.toAbsolutePath());
        Path scenarios = dir.resolve("scenarios.yaml");
        Files.writeString(scenarios, "scenarios:\n  - name: keepalive\n    connections: 4\n");
        Path config = dir.resolve("reuseport.yaml");
        Files.writeString(config, "topology: {kind: reuseport, listeners: 2}\nprotocol: http\n");
        Path out = dir.resolve("report");
        int code = CompareCommand.commandLine().execute("--configs", config.toString(), "--scenarios",
                scenarios.toString(), "--server-jar", SERVER_JAR.toString(), "--duration", "1s", "--warmup", "300ms",
                "--repeat", "2", "--no-pin", "--out", out.toString());
        assertEquals(0, code);
        JsonNode results = new ObjectMapper().readTree(out.resolve("results.json").toFile());
        assertEquals(2, results.path("options").path("repeat").asInt());
        JsonNode run = results.path("configs").get(0).path("runs").get(0);
        JsonNode repeats = run.path("repeats");
        assertEquals(2, repeats.path("n").asInt(), run.toString());
        JsonNode rate = repeats.path("figures").path("req/s");
        double min = rate.path("min").asDouble();
        double median = rate.path("median").asDouble();
        double max = rate.path("max").asDouble();
        assertTrue(min > 0 && min <= median && median <= max, rate.toString());
        assertEquals((min + max) / 2, median, 0.01, "two runs: the median is their mean");
        // The run shown is one of the two real runs: the lower one.
        assertEquals(min, run.path("load").path("summary").path("achievedRate").asDouble(), 0.001);
        assertTrue(repeats.path("figures").path("cpu/req").path("median").asDouble() > 0, repeats.toString());
        assertEquals(2, CompareCommand.commandLine().execute("--configs", config.toString(), "--repeat", "0"));
    }
}
