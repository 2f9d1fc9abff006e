package dev.topo.loadgen.compare;

import dev.topo.loadgen.engine.LoadEngine;
import dev.topo.loadgen.engine.LoadSpec;
import dev.topo.loadgen.engine.Summary;
import dev.topo.loadgen.engine.Target;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

@Timeout(60)
class ServerCostTest {

    private static final Path SERVER_JAR = Path.of("../server/target/topo-server.jar");

    @Test
    void statFieldsAreCountedAfterTheCommandName() {
        // A command name with a space and a parenthesis must not shift the fields: utime 7, stime 3, children 2 + 1.
        String stat = "4242 (java (x) y) S 1 4242 4242 0 -1 4194560 100 0 0 0 7 3 2 1 20 0 30 0 123 456 789";
        assertEquals(13, ServerCost.parseStat(stat));
    }

    @Test
    void statusGivesSwitchesAndPeakMemory() {
        String status = "Name:\tjava\nVmHWM:\t  204800 kB\nVmRSS:\t  100000 kB\n"
                + "voluntary_ctxt_switches:\t1500\nnonvoluntary_ctxt_switches:\t42\n";
        assertArrayEquals(new long[]{1500, 42, 204800}, ServerCost.parseStatus(status));
        assertArrayEquals(new long[]{0, 0, 0}, ServerCost.parseStatus(""));
    }

    @Test
    void figuresAreTheWindowsGrowthPerRequest() {
        // Thread 1 grew by 100 voluntary and 10 involuntary; thread 3 is new (counts whole); thread 2 exited.
        ServerCost.Sample before = new ServerCost.Sample(1000, Map.of(1L, new long[]{50, 5}, 2L, new long[]{900, 9}),
                100 * 1024, 1);
        ServerCost.Sample after = new ServerCost.Sample(1250, Map.of(1L, new long[]{150, 15}, 3L, new long[]{40, 0}),
                300 * 1024, 2);
        ServerCost.Figures f = ServerCost.Figures.of(before, after, 1000, 500);
        assertEquals(2.5, f.cpuSeconds());
        assertEquals(2500, f.cpuUsPerRequest());
        assertEquals(5000, f.cpuUsPerConnection());
        assertEquals(0.15, f.contextSwitchesPerRequest());
        assertEquals(0.01, f.involuntaryPerRequest());
        assertEquals(300, f.peakRssMiB());
        assertEquals(2, f.processes());
        assertNull(ServerCost.Figures.of(before, after, 1000, 0).cpuUsPerConnection(), "no connection in the window");
        assertNull(ServerCost.Figures.of(null, after, 1000, 0), "no /proc");
        assertNull(ServerCost.Figures.of(before, after, 0, 0), "nothing answered");
    }

    @Test
    void onlyTheServersOwnPortFlagsTakePortZero() {
        assertTrue(ServerProcess.ownPortFlags("{java} -jar {jar} --config {config} --host 127.0.0.1 --port {port}"
                + " --admin-port {adminPort}"));
        assertFalse(ServerProcess.ownPortFlags("podman run -p {port}:{port} -e TOPO_ADMIN_PORT={adminPort} IMAGE"
                + " server --port {port}"));
    }

    /**
     * The bench's method: {@code awk '{print $14 + $15}' /proc/PID/stat} around a client run at a fixed rate, CPU
     * per answered request. compare's figure over the same window must agree within 10%.
     */
    @Test
    void cpuPerRequestAgreesWithTheBenchsMethod(@TempDir Path dir) throws Exception {
        assertTrue(Files.isRegularFile(SERVER_JAR), "server jar missing: " + SERVER_JAR.toAbsolutePath());
        Path config = dir.resolve("single.yaml");
        Files.writeString(config, "topology: {kind: single-acceptor, workers: 1}\nprotocol: http\n");
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        try (ServerProcess server = ServerProcess.start(List.of(java, "-jar", SERVER_JAR.toString(), "--config",
                config.toString(), "--host", "127.0.0.1", "--port", "0", "--admin-port", "0"))) {
            int port = server.awaitReady(Duration.ofSeconds(30))[0];
            LoadSpec.Builder spec = LoadSpec.builder(Target.parse("http://127.0.0.1:" + port + "/")).connections(8);
            LoadEngine.run(spec.duration(Duration.ofSeconds(1)).build());
            long ticksBefore = benchTicks(server.pid());
            ServerCost.Sample before = ServerCost.read(server.pid());
            Summary s = LoadEngine.run(spec.rate(4000).duration(Duration.ofSeconds(3)).build()).summary();
            ServerCost.Sample after = ServerCost.read(server.pid());
            long ticksAfter = benchTicks(server.pid());
            long answered = s.statusClasses().get("2xx");
            // The figure compared is per response, so the rate a cold server on a busy machine reaches does not matter.
            assertTrue(answered > 3000, "answered " + answered);
            double bench = (ticksAfter - ticksBefore) / 100.0 * 1e6 / answered;
            ServerCost.Figures f = ServerCost.Figures.of(before, after, s.requests(), s.connectionsOpened());
            assertNotNull(f);
            assertTrue(bench > 0, "bench " + bench);
            assertEquals(bench, f.cpuUsPerRequest(), bench * 0.10, "bench " + bench + " us/req, compare " + f);
            assertTrue(f.contextSwitchesPerRequest() > 0, f.toString());
            assertTrue(f.peakRssMiB() > 10, f.toString());
        }
    }

    /** bench/server-vs-nginx.sh's own reading, through the shell. */
    private static long benchTicks(long pid) throws IOException, InterruptedException {
        Process p = new ProcessBuilder("bash", "-c", "awk '{print $14 + $15}' /proc/" + pid + "/stat").start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.US_ASCII).trim();
        assertEquals(0, p.waitFor());
        return Long.parseLong(out);
    }
}
