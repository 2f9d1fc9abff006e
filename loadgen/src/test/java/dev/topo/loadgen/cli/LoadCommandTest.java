package dev.topo.loadgen.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.topo.loadgen.support.TestHttpServer;
import io.netty.handler.codec.http.HttpResponseStatus;
import org.HdrHistogram.EncodableHistogram;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.HistogramLogReader;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

@Timeout(30)
class LoadCommandTest {

    /** Exit code and what the command printed. */
    record Outcome(int code, String out, String err) {
    }

    private static Outcome run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cl = LoadCommand.commandLine();
        cl.setOut(new PrintWriter(out, true));
        cl.setErr(new PrintWriter(err, true));
        int code = cl.execute(args);
        return new Outcome(code, out.toString(), err.toString());
    }

    @Test
    void thresholdsSetTheExitCode() {
        try (TestHttpServer server = TestHttpServer.hello()) {
            // No warm-up: these runs are about exit codes, and a second each is enough.
            Outcome met = run(server.url(), "-d", "1s", "--warmup", "0s", "-q", "--max-p99", "10s",
                    "--max-error-rate", "0%");
            assertEquals(0, met.code(), met.err());
            assertTrue(met.out().contains("Requests/sec:"), met.out());

            Outcome slow = run(server.url(), "-d", "1s", "--warmup", "0s", "-q", "--max-p99", "1us");
            assertEquals(3, slow.code(), slow.err());
            assertTrue(slow.err().contains("p99"), slow.err());
        }
        try (TestHttpServer failing = TestHttpServer.start((s, ctx, req, n, c) ->
                s.respond(ctx, req, HttpResponseStatus.SERVICE_UNAVAILABLE, Map.of()))) {
            Outcome errors = run(failing.url(), "-d", "1s", "--warmup", "0s", "-q", "--max-error-rate", "0.01");
            assertEquals(3, errors.code(), errors.err());
            assertTrue(errors.err().contains("error rate"), errors.err());
            assertTrue(errors.out().contains("bad_status"), errors.out());
        }
    }

    @Test
    void badInputExitsTwoWithOneLine() {
        List<String[]> bad = List.of(
                new String[]{"ftp://127.0.0.1:1/"},
                new String[]{"http://"},
                new String[]{"http://127.0.0.1:8080/", "-c", "0"},
                new String[]{"http://127.0.0.1:8080/", "-d", "soon"},
                new String[]{"http://127.0.0.1:8080/", "--connection-mode", "sometimes"},
                new String[]{"http://127.0.0.1:8080/", "--max-error-rate", "lots"},
                new String[]{"http://127.0.0.1:8080/", "--max-p99", "fast"},
                new String[]{"http://127.0.0.1:8080/", "-H", "no colon"},
                new String[]{"http://127.0.0.1:8080/", "--body", "@/nonexistent/file"},
                new String[]{"http://127.0.0.1:8080/", "--no-such-option"},
                new String[]{"http://127.0.0.1:8080/", "-t", "4", "-c", "2"},
                new String[]{});
        for (String[] args : bad) {
            Outcome o = run(args);
            String what = String.join(" ", args);
            assertEquals(2, o.code(), what + ": " + o.err());
            assertTrue(o.err().startsWith("error: "), what + ": " + o.err());
            assertEquals(1, o.err().strip().lines().count(), what + ": " + o.err());
            assertFalse(o.err().contains("Exception"), what + ": " + o.err());
        }
    }

    @Test
    void engineMessagesNameTheOptionTheUserTyped() {
        assertEquals("error: --rate: -1 (expected: >= 0)", run("http://127.0.0.1:8080/", "--rate", "-1").err().strip());
        assertEquals("error: --threads: 4 (expected: 1..2, as threads <= connections)",
                run("http://127.0.0.1:8080/", "-t", "4", "-c", "2").err().strip());
        assertEquals("error: --connection-mode: 'sometimes' (expected: keepalive or per-request)",
                run("http://127.0.0.1:8080/", "--connection-mode", "sometimes").err().strip());
        assertEquals("error: --header: 'no colon' (expected: 'Name: value')",
                run("http://127.0.0.1:8080/", "-H", "no colon").err().strip());
        assertTrue(run("ftp://127.0.0.1:1/").err().startsWith("error: URL: 'ftp://127.0.0.1:1/' (expected: "));
        Outcome size = run("tcp://127.0.0.1:7", "--size", "0");
        assertEquals(2, size.code());
        assertEquals("error: --size: 0 (expected: >= 1)", size.err().strip());
        assertEquals("error: --mix EVERY: 1 (expected: >= 2)",
                run("http://127.0.0.1:8080/", "--mix", "/work:1").err().strip());
        assertEquals("error: --mix: '/work' (expected: PATH:EVERY, as /work:100)",
                run("http://127.0.0.1:8080/", "--mix", "/work").err().strip());
        assertEquals("error: --transport: 'kqueue' (expected: epoll, io_uring or nio)",
                run("http://127.0.0.1:8080/", "--transport", "kqueue").err().strip());
    }

    @Test
    void theTransportChosenIsTheOneUsedAndReported(@TempDir Path dir) throws Exception {
        Path json = dir.resolve("r.json");
        try (TestHttpServer server = TestHttpServer.hello()) {
            Outcome o = run(server.url(), "-d", "1s", "--warmup", "0s", "-c", "4", "-q", "--transport", "nio",
                    "--json", json.toString());
            assertEquals(0, o.code(), o.err());
            JsonNode root = dev.topo.loadgen.report.JsonReport.mapper().readTree(json.toFile());
            assertEquals("nio", root.get("transport").asText());
            assertEquals(server.requests.get(), root.at("/summary/requests").asLong());
        }
    }

    @Test
    void mixSendsTheSecondPathEveryNthRequestAndTheJsonSaysSo(@TempDir Path dir) throws Exception {
        Path json = dir.resolve("r.json");
        java.util.concurrent.atomic.AtomicLong mixed = new java.util.concurrent.atomic.AtomicLong();
        try (TestHttpServer server = TestHttpServer.start((s, ctx, req, n, c) -> {
            if (req.uri().equals("/other")) {
                mixed.incrementAndGet();
            }
            s.respond(ctx, req, HttpResponseStatus.OK, Map.of());
        })) {
            Outcome o = run(server.url(), "-d", "1s", "--warmup", "0s", "-c", "2", "-q", "--rate", "200",
                    "--mix", "/other:5", "--json", json.toString());
            assertEquals(0, o.code(), o.err());
            long total = server.requests.get();
            assertEquals(total / 5.0, mixed.get(), 2.0, mixed + " of " + total);
            JsonNode root = dev.topo.loadgen.report.JsonReport.mapper().readTree(json.toFile());
            assertEquals("/other:5", root.path("options").path("mix").asText());
        }
    }

    @Test
    void unreachableTargetExitsOne() throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        Outcome o = run("http://127.0.0.1:" + port + "/", "-d", "1s");
        assertEquals(1, o.code(), o.err());
        assertTrue(o.err().startsWith("error: cannot connect to 127.0.0.1:" + port), o.err());
        assertEquals(1, o.err().strip().lines().count(), o.err());

        Outcome unknown = run("http://no-such-host.invalid/", "-d", "1s");
        assertEquals(1, unknown.code(), unknown.err());
        assertTrue(unknown.err().contains("no-such-host.invalid"), unknown.err());
    }

    @Test
    void writesJsonCsvAndHdrLog(@TempDir Path dir) throws Exception {
        Path json = dir.resolve("r.json");
        Path csv = dir.resolve("r.csv");
        Path hdr = dir.resolve("r.hlog");
        try (TestHttpServer server = TestHttpServer.start((s, ctx, req, n, c) -> s.respond(ctx, req,
                HttpResponseStatus.OK, Map.of("X-Topo-Listener", "0", "X-Topo-Loop", "loop-" + c % 2)))) {
            // No warm-up, so that every request the server answered is in the figures.
            Outcome o = run(server.url(), "-d", "2s", "--warmup", "0s", "-c", "4", "-q", "--rate", "500", "--json",
                    json.toString(),
                    "--csv", csv.toString(), "--hdr-log", hdr.toString());
            assertEquals(0, o.code(), o.err());
            JsonNode root = dev.topo.loadgen.report.JsonReport.mapper().readTree(json.toFile());
            assertEquals("topo-loadgen/1", root.get("schema").asText());
            long requests = root.at("/summary/requests").asLong();
            assertEquals(server.requests.get(), requests);
            assertEquals(500.0, root.at("/summary/requestedRate").asDouble());
            assertTrue(root.at("/summary/latency/p99Us").asDouble() > 0);
            assertTrue(root.at("/summary/latencyUncorrected/p99Us").asDouble() > 0);
            assertEquals(2, root.get("timeline").size());
            assertEquals(2, root.at("/spread/loop/entries").size());
            assertEquals(4, root.at("/spread/loop/connections/n").asInt() * 2);
            assertEquals("keepalive", root.at("/options/connectionMode").asText());

            List<String> lines = Files.readAllLines(csv);
            assertEquals(3, lines.size());
            long csvRequests = lines.stream().skip(1).mapToLong(l -> Long.parseLong(l.split(",")[3])).sum();
            // The timeline is the measured window; the drain's responses are in the summary, apart.
            assertEquals(requests - root.at("/summary/drainResponses").asLong(), csvRequests);
            assertEquals(1000, root.at("/summary/scheduled").asLong(), 2);
            assertEquals(root.at("/summary/scheduled").asLong(), root.at("/summary/sent").asLong()
                    + root.at("/summary/dropped").asLong());

            // HdrHistogram's own reader must read the log back, and the untagged intervals (the drain's included)
            // hold every response.
            HistogramLogReader reader = new HistogramLogReader(hdr.toFile());
            long logged = 0;
            int tagged = 0;
            EncodableHistogram h;
            while ((h = reader.nextIntervalHistogram()) != null) {
                if (h.getTag() == null) {
                    logged += ((Histogram) h).getTotalCount();
                } else {
                    tagged++;
                }
            }
            assertEquals(requests, logged);
            assertTrue(tagged >= 6, "tagged intervals " + tagged);
        }
    }

    @Test
    void theDefaultWarmupRunsUntilSteadyAndIsReported(@TempDir Path dir) throws Exception {
        Path json = dir.resolve("r.json");
        try (TestHttpServer server = TestHttpServer.hello()) {
            Outcome o = run(server.url(), "-d", "1s", "-c", "4", "-q", "--json", json.toString());
            assertEquals(0, o.code(), o.err());
            JsonNode root = dev.topo.loadgen.report.JsonReport.mapper().readTree(json.toFile());
            JsonNode warmup = root.get("warmup");
            assertEquals("auto", warmup.get("mode").asText());
            assertEquals("auto", root.at("/options/warmup").asText());
            assertEquals(10.0, warmup.get("ceilingSeconds").asDouble());
            int windows = warmup.get("windows").size();
            double seconds = warmup.get("seconds").asDouble();
            // Whole seconds: one window each, at least two to compare, at most the ceiling.
            assertTrue(windows >= 2 && windows <= 10, "windows " + windows);
            assertEquals(windows, seconds, 0.001);
            assertEquals(seconds, root.at("/options/warmupSeconds").asDouble(), 0.001);
            assertEquals(!warmup.get("steady").asBoolean(), warmup.get("ceilingReached").asBoolean(),
                    warmup.toString());
            // Discarded: the server answered the warm-up's requests too, the summary holds only the measured ones.
            long warmupRequests = 0;
            for (JsonNode w : warmup.get("windows")) {
                warmupRequests += w.get("requests").asLong();
            }
            long measured = root.at("/summary/requests").asLong();
            assertTrue(warmupRequests > 0 && measured > 0, warmup.toString());
            assertTrue(warmupRequests + measured <= server.requests.get(), "counted twice: " + warmupRequests
                    + " + " + measured + " > " + server.requests.get());
            assertEquals(1, root.get("timeline").size(), "the timeline is the measured second only");
            assertTrue(o.out().contains("  Warm-up: " + String.format(java.util.Locale.ROOT, "%.2fs", seconds)),
                    o.out());
        }
        Outcome bad = run("http://127.0.0.1:8080/", "--warmup", "soon");
        assertEquals("error: --warmup: 'soon' (expected: auto, or a duration like 30s, 500ms, 200us, 2m; 0s for "
                + "none)", bad.err().strip());
    }

    @Test
    void durationsAreTheServersGrammar() {
        DurationConverter d = new DurationConverter();
        assertEquals(Duration.ofSeconds(10), d.convert("10s"));
        assertEquals(Duration.ofMillis(500), d.convert("500ms"));
        assertEquals(Duration.ofMinutes(2), d.convert("2m"));
        assertEquals(Duration.ofNanos(250_000), d.convert("250us"));
        assertEquals(Duration.ofMillis(1500), d.convert("1.5s"));
        assertEquals(Duration.ZERO, d.convert("0"));
        // A unit is required, as in the server's YAML: a bare number used to mean seconds here only.
        Outcome bare = run("http://127.0.0.1:8080/", "--duration", "10");
        assertEquals(2, bare.code(), bare.err());
        assertEquals("error: --duration: '10' (expected: a duration like 30s, 500ms, 200us, 2m)", bare.err().strip());
        assertEquals("error: --timeout: 'soon' (expected: a duration like 30s, 500ms, 200us, 2m)",
                run("http://127.0.0.1:8080/", "--timeout", "soon").err().strip());
        assertEquals("error: --max-p99: '5' (expected: a duration like 30s, 500ms, 200us, 2m)",
                run("http://127.0.0.1:8080/", "--max-p99", "5").err().strip());
    }
}
