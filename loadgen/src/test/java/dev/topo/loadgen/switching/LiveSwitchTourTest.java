package dev.topo.loadgen.switching;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.topo.loadgen.compare.ServerProcess;
import dev.topo.loadgen.engine.ConnectionMode;
import dev.topo.loadgen.engine.LoadEngine;
import dev.topo.loadgen.engine.LoadResult;
import dev.topo.loadgen.engine.LoadSpec;
import dev.topo.loadgen.engine.Summary;
import dev.topo.loadgen.engine.Target;
import dev.topo.loadgen.engine.Warmup;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The packaged server switched live, under load from the engine, through a tour that visits every kind and every
 * kind of transition (more and fewer listeners, event loops and blocking threads, one process and several, in both
 * directions): not one request may fail, and the requests the server says it answered, over every generation, must
 * be the responses the client got.
 */
@Timeout(value = 300, unit = TimeUnit.SECONDS)
class LiveSwitchTourTest {
    private static final Path SERVER_JAR = Path.of("../server/target/topo-server.jar");
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern SERVED = Pattern.compile("(?m)^topo_server_requests_total (\\S+)$");

    /** Every kind, and each transition: grown, folded, event loop ↔ blocking, in-process ↔ multi-process. */
    private static final List<String> TOUR = List.of(
            "kind: reuseport, listeners: 4",                          // 1 -> 4 sockets
            "kind: shared-listener, loops: 2",                        // fewer: folded (or migrated)
            "kind: thread-pool, workers: 4",                          // event loops -> blocking threads
            "kind: reuseport, listeners: 2, workersPerListener: 1",   // blocking -> event loops
            "kind: process-reuseport, processes: 2, listeners: 2",    // one process -> several
            "kind: process-fd-passing, processes: 2",                 // several -> several, workers accept -> master
            "kind: thread-per-connection",                            // several -> one, blocking
            "kind: process-shared-listener, processes: 2",
            "kind: iterative",
            "kind: process-per-connection, maxChildren: 2",
            "kind: single-acceptor, workers: 2");

    /**
     * io_uring stops ({@code "io_uring | ..."}; the others run on the default epoll): into and out of io_uring, and
     * between io_uring kinds, where each old generation must stop accepting by closing its copies of the fds.
     */
    private static final List<String> IO_URING_TOUR = List.of(
            "io_uring | kind: reuseport, listeners: 2",                          // epoll -> io_uring, grown
            "io_uring | kind: single-acceptor, workers: 2",                      // io_uring -> io_uring, folded
            "io_uring | kind: process-reuseport, processes: 2, listeners: 1",    // workers accept on io_uring
            "io_uring | kind: process-fd-passing, processes: 2",                 // the master accepts on io_uring
            "io_uring | kind: reuseport, listeners: 2, workersPerListener: 1",
            "kind: thread-pool, workers: 4",                                     // io_uring -> blocking
            "io_uring | kind: single-acceptor, workers: 1",                      // blocking -> io_uring
            "kind: reuseport, listeners: 2");                                    // io_uring -> epoll

    @TempDir
    Path dir;

    @Test
    void connectionPerRequestTourLosesNothing() throws Exception {
        tour(ConnectionMode.PER_REQUEST, 150, TOUR, Duration.ofMillis(2500), Duration.ofSeconds(4));
    }

    /**
     * Away from process-per-connection while children are still starting (a JVM each): the connections they were
     * started for must reach them before they are told to drain. When the master counted a connection as handed
     * over once its fd was written, not once the child had it, about one switch in three reset a client.
     */
    @Test
    void processPerConnectionSwitchedAwayWhileChildrenStartLosesNothing() throws Exception {
        List<String> stops = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            stops.add("kind: process-per-connection, maxChildren: 2");
            stops.add("kind: single-acceptor, workers: 2");
        }
        tour(ConnectionMode.PER_REQUEST, 150, stops, Duration.ofMillis(2000), Duration.ofMillis(500));
    }

    @Test
    void keepAliveTourLosesNothing() throws Exception {
        // Keep-alive connections of the old generation close after their next response; the clients reconnect.
        tour(ConnectionMode.KEEPALIVE, 400, List.of("kind: reuseport, listeners: 2", "kind: thread-pool, workers: 8",
                "kind: process-reuseport, processes: 2, listeners: 1", "kind: shared-listener, loops: 2",
                "kind: single-acceptor, workers: 1"), Duration.ofMillis(2000), Duration.ofSeconds(4));
    }

    @Test
    void ioUringTourLosesNothing() throws Exception {
        tour(ConnectionMode.PER_REQUEST, 150, IO_URING_TOUR, Duration.ofMillis(2000), Duration.ofSeconds(4));
    }

    /** {@code perSwitch}: what a switch may take on top of {@code stay} (worker JVMs take seconds to start). */
    private void tour(ConnectionMode mode, double rate, List<String> stops, Duration stay, Duration perSwitch)
            throws Exception {
        assertTrue(Files.isRegularFile(SERVER_JAR), "server jar missing: " + SERVER_JAR.toAbsolutePath());
        Path config = dir.resolve("server.yaml");
        write(config, "kind: single-acceptor, workers: 1");
        try (ServerProcess server = ServerProcess.start(List.of("java", "-jar", SERVER_JAR.toString(),
                "--config", config.toString()))) {
            int[] ports = server.awaitReady(Duration.ofSeconds(60));
            // Long enough for every stop, its switch and a second at the end.
            Duration length = stay.multipliedBy(stops.size() + 2).plus(perSwitch.multipliedBy(stops.size()));
            LoadSpec spec = LoadSpec.builder(Target.parse("http://127.0.0.1:" + ports[0] + "/"))
                    // Generous timeout: a process-per-connection child is a JVM start, seconds on a busy machine.
                    .connections(16).rate(rate).connectionMode(mode).duration(length).warmup(Warmup.NONE)
                    .timeout(Duration.ofSeconds(30)).build();
            CompletableFuture<LoadResult> load = CompletableFuture.supplyAsync(() -> {
                try {
                    return LoadEngine.run(spec);
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            });
            Thread.sleep(stay.toMillis());
            List<String> path = new ArrayList<>();
            for (String stop : stops) {
                write(config, stop);
                JsonNode result = reload(ports[1]);
                assertEquals("switched", result.path("outcome").asText(), stop + ": " + result);
                path.add(result.path("from").asText() + " -> " + result.path("to").asText() + " "
                        + result.path("listeners"));
                Thread.sleep(stay.toMillis());
                assertTrue(!load.isDone(), "the load ended before the tour did; make it longer");
            }
            Summary s = load.get(length.toSeconds() + 60, TimeUnit.SECONDS).summary();
            String seen = "tour " + path + "; errors " + s.errors() + ", statuses " + s.statusClasses()
                    + "; server output: " + server.tail();
            assertEquals(0, s.errorsTotal(), seen);
            assertEquals(s.requests(), s.statusClasses().get("2xx"), seen);
            assertTrue(s.requests() >= rate * length.toSeconds() * 0.95, s.requests() + " responses: " + seen);
            long served = servedOnceDrained(server, ports[1]);
            assertEquals(s.requests(), served, "server count vs client count: " + seen);
        }
    }

    /** {@code stop} is the topology's keys, after {@code "TRANSPORT | "} when not on the default transport. */
    private static void write(Path config, String stop) throws IOException {
        int bar = stop.indexOf(" | ");
        String transport = bar < 0 ? "auto" : stop.substring(0, bar);
        String topology = bar < 0 ? stop : stop.substring(bar + " | ".length());
        Files.writeString(config, """
                bind: {host: 127.0.0.1, port: 0}
                admin: {host: 127.0.0.1, port: 0}
                transport: %s
                drainDelay: 0s
                drainTimeout: 30s
                topology: {%s}
                """.formatted(transport, topology));
    }

    private static JsonNode reload(int adminPort) throws IOException, InterruptedException {
        HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + adminPort + "/reload")).timeout(Duration.ofSeconds(90))
                .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
        return JSON.readTree(r.body());
    }

    /** The server's count over every generation, once the earlier ones have drained (their workers exited). */
    private static long servedOnceDrained(ServerProcess server, int adminPort) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (System.nanoTime() < deadline) {
            JsonNode topology = JSON.readTree(server.get(adminPort, "/topology").body());
            if (topology.path("drainingGenerations").isEmpty()) {
                break;
            }
            Thread.sleep(200);
        }
        Matcher m = SERVED.matcher(server.get(adminPort, "/metrics").body());
        assertTrue(m.find(), "topo_server_requests_total missing");
        return (long) Double.parseDouble(m.group(1));
    }
}
