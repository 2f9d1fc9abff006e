package dev.topo.loadgen.compare;

import dev.topo.config.ConfigException;
import dev.topo.config.Protocol;
import dev.topo.config.TopologyKind;
import dev.topo.loadgen.cli.CompareCommand;
import dev.topo.loadgen.engine.ConnectionMode;
import dev.topo.loadgen.engine.RequestMix;
import dev.topo.loadgen.engine.Warmup;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Scenario files, command templates, metrics parsing and bad input: no server needed. */
@Timeout(value = 20, unit = TimeUnit.SECONDS)
class CompareInputTest {

    @TempDir
    Path dir;
    private String lastError;

    @Test
    void theShippedScenarioFileHasTheEightModels() throws IOException {
        List<Scenario> s = Scenario.load(Path.of("../config/scenarios.yaml"));
        assertEquals(List.of("keepalive", "churn", "slow", "rate", "echo", "mixed", "keepalive-rate", "churn-rate"),
                s.stream().map(Scenario::name).toList());
        // The constant-rate twins of keepalive and churn, for CPU per request under the same load.
        assertEquals(s.get(0).connections(), s.get(6).connections());
        assertTrue(s.get(6).rate() > 0 && s.get(7).rate() > 0, "open loops");
        assertEquals(ConnectionMode.PER_REQUEST, s.get(7).connectionMode());
        Scenario churn = s.get(1);
        assertEquals(ConnectionMode.PER_REQUEST, churn.connectionMode());
        assertTrue(s.get(2).path().contains("sleep="), "slow uses /work?sleep=");
        assertTrue(s.get(3).rate() > 0, "rate is an open loop");
        assertEquals("echo", s.get(4).protocol());
        // mixed: open loop, one slow request in a hundred.
        assertEquals(new RequestMix("/work?sleep=50ms", 100), s.get(5).mix());
        assertTrue(s.get(5).rate() > 0, "mixed is an open loop");
        // Every scenario turns into a valid engine spec.
        s.forEach(x -> x.spec("127.0.0.1", 8080, java.time.Duration.ofSeconds(1), Warmup.NONE));
    }

    @Test
    void badScenarioFilesAreRefusedWithTheirReason() throws IOException {
        assertEquals("unknown key 'connectons'", refused("- {name: a, connectons: 4}"));
        assertEquals("connectionMode: 'sometimes'", refused("- {name: a, connectionMode: sometimes}"));
        assertEquals("'a' is defined twice", refused("- {name: a}\n  - {name: a}"));
        assertEquals("threads <= connections", refused("- {name: a, connections: 2, threads: 3}"));
        String unknownMixKey = refused("- {name: a, mix: {path: /w, evry: 3}}");
        assertTrue(unknownMixKey.endsWith("scenario a: mix: unknown key 'evry' (expected: one of every, path)"),
                unknownMixKey);
    }

    @Test
    void aMixIsCheckedInTheOneErrorShape() throws IOException {
        Path f = dir.resolve("s.yaml");
        Files.writeString(f, "scenarios:\n  - {name: a, mix: {path: /w, every: 0}}\n");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Scenario.load(f));
        assertEquals(f + ": scenario a: mix.every: 0 (expected: >= 2)", e.getMessage());
        Files.writeString(f, "scenarios:\n  - {name: a, mix: {path: w, every: 5}}\n");
        e = assertThrows(IllegalArgumentException.class, () -> Scenario.load(f));
        assertEquals(f + ": scenario a: mix.path: 'w' (expected: a path starting with '/')", e.getMessage());
        Files.writeString(f, "scenarios:\n  - {name: a, protocol: echo, mix: {path: /w, every: 5}}\n");
        e = assertThrows(IllegalArgumentException.class, () -> Scenario.load(f));
        assertTrue(e.getMessage().startsWith(f + ": scenario a: mix: '/w:5' (expected: none with a tcp://"),
                e.getMessage());
        Files.writeString(f, "scenarios:\n  - {name: a}\n");
        assertEquals(null, Scenario.load(f).get(0).mix());
    }

    @Test
    void theEngineChecksAScenariosLoadInItsOwnWords() throws IOException {
        Path f = dir.resolve("s.yaml");
        Files.writeString(f, "scenarios:\n  - {name: a, rate: -5}\n");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Scenario.load(f));
        assertEquals(f + ": scenario a: rate: -5 (expected: >= 0)", e.getMessage());
        Files.writeString(f, "scenarios:\n  - {name: a, timeout: soon}\n");
        e = assertThrows(IllegalArgumentException.class, () -> Scenario.load(f));
        assertEquals(f + ": scenario a: timeout: 'soon' (expected: a duration like 30s, 500ms, 200us, 2m)",
                e.getMessage());
        // The server's grammar: a unit is required.
        Files.writeString(f, "scenarios:\n  - {name: a, timeout: 5}\n");
        e = assertThrows(IllegalArgumentException.class, () -> Scenario.load(f));
        assertEquals(f + ": scenario a: timeout: '5' (expected: a duration like 30s, 500ms, 200us, 2m)",
                e.getMessage());
        // The same aliases as the command line.
        Files.writeString(f, "scenarios:\n  - {name: a, connectionMode: keep-alive}\n");
        assertEquals(ConnectionMode.KEEPALIVE, Scenario.load(f).get(0).connectionMode());
    }

    private String refused(String entries) throws IOException {
        Path f = dir.resolve("s.yaml");
        Files.writeString(f, "scenarios:\n  " + entries + "\n");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Scenario.load(f));
        assertTrue(e.getMessage().startsWith(f.toString()), e.getMessage());
        for (String expected : List.of("unknown key 'connectons'", "connectionMode: 'sometimes'",
                "'a' is defined twice", "threads <= connections")) {
            if (e.getMessage().contains(expected)) {
                return expected;
            }
        }
        return e.getMessage();
    }

    @Test
    void serverCommandPlaceholdersExpandAndUnknownOnesAreRefused() {
        List<String> argv = ServerProcess.expand("podman run -p {port}:{port} img --config /c/{config}",
                Map.of("port", "8081", "config", "x.yaml"));
        assertEquals(List.of("podman", "run", "-p", "8081:8081", "img", "--config", "/c/x.yaml"), argv);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> ServerProcess.expand("java -jar {jra}", Map.of("jar", "a.jar")));
        assertTrue(e.getMessage().contains("{jra}"), e.getMessage());
    }

    @Test
    void metricsDeltasAreKeptPerLoopAndPerWorker() {
        String before = """
                # TYPE topo_loop_connections_accepted_total counter
                topo_loop_connections_accepted_total{listener="0",loop="topo-loop-0",worker="11"} 5.0
                topo_loop_connections_accepted_total{listener="0",loop="topo-loop-0",worker="12"} 1.0
                topo_requests_served_total 100.0
                topo_connections_active 3.0
                """;
        String after = before.replace("} 5.0", "} 9.0").replace("} 1.0", "} 5.0").replace("100.0", "180.0")
                .replace("active 3.0", "active 7.0");
        Map<String, Double> b = Metrics.parse(before);
        Map<String, Double> a = Metrics.parse(after);
        Map<String, Long> loops = Metrics.perLoop(b, a, "topo_loop_connections_accepted_total");
        assertEquals(2, loops.size(), "same loop name in two workers stays two loops");
        assertEquals(List.of(4L, 4L), List.copyOf(loops.values()));
        assertEquals(1.0, Metrics.jain(loops.values()), 1e-9);
        assertEquals(0.5, Metrics.jain(List.of(8L, 0L)), 1e-9);
        Map<String, Double> delta = Metrics.delta(b, a);
        assertEquals(80.0, delta.get("topo_requests_served_total"), 1e-9);
        assertTrue(!delta.containsKey("topo_connections_active"), "gauges are not deltas");
    }

    @Test
    void badInputExitsTwoWithOneLine() throws IOException {
        Path scenarios = dir.resolve("s.yaml");
        Files.writeString(scenarios, "scenarios:\n  - {name: a}\n");
        assertEquals(2, exit("--scenarios", dir.resolve("missing.yaml").toString()), "missing scenario file");
        assertEquals(2, exit("--scenarios", scenarios.toString(), "--configs", dir.resolve("nope.yaml").toString()));
        assertEquals(2, exit("--scenarios", scenarios.toString(), "--scenario", "b"));
        // A shell glob over config/ also names the scenario file: left out, so nothing remains here.
        assertEquals(2, exit("--scenarios", scenarios.toString(), "--configs", scenarios.toString()));
        Path cfg = dir.resolve("reuseport.yaml");
        Files.writeString(cfg, "topology: {kind: reuseport}\n");
        assertEquals(2, exit("--scenarios", scenarios.toString(), "--configs", cfg.toString(), "--server-jar",
                dir.resolve("none.jar").toString()), "missing server jar");
        assertEquals(2, exit("--scenarios", scenarios.toString(), "--duration", "10"), "a duration without unit");
        assertEquals("topo compare: --duration: '10' (expected: a duration like 30s, 500ms, 200us, 2m)", lastError);
    }

    @Test
    void configurationsAreReadByTheServersRules() throws IOException {
        // No topology.kind: the server runs single-acceptor, so that is its label (compare used to say reuseport).
        Path noKind = dir.resolve("plain.yaml");
        Files.writeString(noKind, "protocol: http\nbind: {port: 8080}\n");
        ConfigFile plain = ConfigFile.read(noKind);
        assertEquals("plain", plain.name());
        assertEquals(TopologyKind.SINGLE_ACCEPTOR, plain.kind());
        assertEquals(Protocol.HTTP, plain.protocol());
        Path empty = dir.resolve("empty.yaml");
        Files.writeString(empty, "");
        assertEquals(TopologyKind.SINGLE_ACCEPTOR, ConfigFile.read(empty).kind());
        Path echo = dir.resolve("echo.yaml");
        Files.writeString(echo, "topology: {kind: process-per-connection}\nprotocol: echo\n");
        assertTrue(ConfigFile.read(echo).kind().startsProcessPerConnection());
        assertEquals(Protocol.ECHO, ConfigFile.read(echo).protocol());
        // A file the server would refuse fails here, with the server's message, before any process starts.
        Path bad = dir.resolve("bad.yaml");
        Files.writeString(bad, "topology: {kind: single-acceptor, listeners: 4}\n");
        ConfigException e = assertThrows(ConfigException.class, () -> ConfigFile.read(bad));
        assertTrue(e.getMessage().startsWith(bad + ": topology.listeners"), e.getMessage());
    }

    private int exit(String... args) {
        PrintStream saved = System.err;
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
        int code;
        try {
            code = CompareCommand.commandLine().execute(args);
        } finally {
            System.setErr(saved);
        }
        String text = err.toString(StandardCharsets.UTF_8).trim();
        lastError = text;
        assertEquals(1, text.lines().count(), "one-line error: " + text);
        assertTrue(text.startsWith("topo compare: "), text);
        return code;
    }
}
