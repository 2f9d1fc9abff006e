package dev.topo.loadgen.compare;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.topo.config.ConfigLoader;
import dev.topo.config.ReusePortParameters;
import dev.topo.config.Transport;
import dev.topo.loadgen.engine.InvalidValueException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** {@code compare --transports}: each event-loop configuration once per transport, rows {@code NAME@TRANSPORT}. */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class CompareTransportsTest {
    private static final Path SERVER_JAR = Path.of("../server/target/topo-server.jar");

    @TempDir
    Path dir;

    @Test
    void eventLoopKindsGetACopyPerTransportAndBlockingKindsRunOnce() throws Exception {
        Path reuseport = Files.writeString(dir.resolve("reuseport.yaml"),
                "# comment\ntransport: epoll\ntopology: {kind: reuseport, listeners: 2}\n");
        Path iterative = Files.writeString(dir.resolve("iterative.yaml"), "topology: {kind: iterative}\n");
        Path broken = Files.writeString(dir.resolve("broken.yaml"), "topology: {kind: nope}\n");
        List<Path> runs = TransportVariants.of(List.of(reuseport, iterative, broken), List.of("epoll", "io_uring"),
                dir.resolve("configs"));
        assertEquals(List.of("reuseport@epoll", "reuseport@io_uring", "iterative", "broken"),
                runs.stream().map(ConfigFile::nameOf).toList());
        assertEquals(Transport.IO_URING, ConfigLoader.load(runs.get(1)).transport());
        assertEquals(2, ConfigLoader.load(runs.get(1)).topology().parameters(ReusePortParameters.class).listeners(),
                "the rest of the file is kept");
        assertEquals(iterative, runs.get(2));
        assertThrows(InvalidValueException.class, () -> TransportVariants.parse(List.of("epoll", "uring")));
    }

    @Test
    void theSameConfigurationRunsOnEpollAndOnIoUring() throws Exception {
        Path scenarios = Files.writeString(dir.resolve("scenarios.yaml"),
                "scenarios:\n  - name: keepalive\n    connections: 4\n");
        Path reuseport = Files.writeString(dir.resolve("reuseport.yaml"),
                "topology: {kind: reuseport, listeners: 2}\n");
        Path out = dir.resolve("report");
        CompareCli run = CompareCli.run(false, "--configs", reuseport.toString(), "--scenarios",
                scenarios.toString(), "--server-jar", SERVER_JAR.toString(), "--duration", "1s", "--warmup",
                "300ms", "--ready-timeout", "30s", "--transports", "epoll,io_uring", "--out", out.toString());
        String stdout = run.output();
        assertEquals(0, run.exitCode(), stdout);
        JsonNode results = new ObjectMapper().readTree(out.resolve("results.json").toFile());
        List<String> names = new ArrayList<>();
        for (JsonNode c : results.path("configs")) {
            names.add(c.path("name").asText());
            String transport = c.path("name").asText().substring("reuseport@".length());
            assertEquals("ok", c.path("status").asText(), c.toString());
            assertTrue(c.path("ready").asText().contains("transport=" + transport), c.path("ready").asText());
            JsonNode summary = c.path("runs").get(0).path("load").path("summary");
            assertTrue(summary.path("requests").asLong() > 100, summary.toString());
            assertEquals(0, summary.path("errorsTotal").asLong(), summary.toString());
        }
        assertEquals(List.of("reuseport@epoll", "reuseport@io_uring"), names);
        assertTrue(stdout.lines().anyMatch(l -> l.startsWith("reuseport@io_uring ")), stdout);
    }
}
