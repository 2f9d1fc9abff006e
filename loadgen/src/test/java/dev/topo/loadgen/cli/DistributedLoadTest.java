package dev.topo.loadgen.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.topo.loadgen.stats.HistogramCodec;
import dev.topo.loadgen.stats.Histograms;
import dev.topo.loadgen.support.TestHttpServer;
import io.netty.handler.codec.http.HttpResponseStatus;
import org.HdrHistogram.Histogram;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** One test split into parts, run as processes against a test server, and merged back into one result. */
class DistributedLoadTest {

    private static final ObjectMapper MAPPER = new ObjectMapper();

    record Outcome(int code, String out, String err) {
    }

    private static Outcome run(CommandLine cl, String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        cl.setOut(new PrintWriter(out, true));
        cl.setErr(new PrintWriter(err, true));
        int code = cl.execute(args);
        return new Outcome(code, out.toString(), err.toString());
    }

    private static Outcome load(String... args) {
        return run(LoadCommand.commandLine(), args);
    }

    private static Outcome merge(String... args) {
        return run(MergeCommand.commandLine(), args);
    }

    private static JsonNode read(Path file) throws IOException {
        return MAPPER.readTree(file.toFile());
    }

    private static Histogram latency(JsonNode doc) {
        return HistogramCodec.decode(doc.path("histograms").path("latency").asText());
    }

    @Test
    @Timeout(120)
    void threePartsAddUpToTheServersCountAndToASingleRunsRate(@TempDir Path dir) throws IOException {
        Path merged = dir.resolve("merged.json");
        Path single = dir.resolve("single.json");
        long served;
        try (TestHttpServer server = TestHttpServer.hello()) {
            Outcome parts = load(server.url(), "--parts", "3", "--parts-dir", dir.resolve("parts").toString(),
                    "--rate", "600", "-c", "6", "-d", "3s", "--warmup", "0s", "--json", merged.toString(), "-q");
            assertEquals(0, parts.code(), parts.out() + parts.err());
            served = server.responses.get();
            assertTrue(parts.out().contains("Merged 3 parts"), parts.out());
            assertTrue(parts.out().contains("Requests/sec:"), parts.out());
            server.responses.set(0);
            Outcome one = load(server.url(), "--rate", "600", "-c", "6", "-d", "3s", "--warmup", "0s", "--json",
                    single.toString(), "-q");
            assertEquals(0, one.code(), one.err());
        }
        JsonNode whole = read(merged);
        JsonNode summary = whole.path("summary");
        // Every response the server sent is counted once, by exactly one part.
        assertEquals(served, summary.path("requests").asLong());
        assertEquals(600.0, summary.path("requestedRate").asDouble(), 1e-6);
        double mergedRate = summary.path("achievedRate").asDouble();
        double singleRate = read(single).path("summary").path("achievedRate").asDouble();
        assertEquals(singleRate, mergedRate, singleRate * 0.02, "merged " + mergedRate + " vs single " + singleRate);

        Histogram sum = Histograms.newHistogram();
        long partRequests = 0;
        for (int i = 0; i < 3; i++) {
            JsonNode part = read(dir.resolve("parts").resolve("part-" + i + ".json"));
            assertEquals(i + "/3", part.path("segment").asText());
            long requests = part.path("summary").path("requests").asLong();
            // Each part sends requests i, i + 3, ... of the one schedule: a third of them.
            assertEquals(served / 3.0, requests, served * 0.02 + 2, "part " + i);
            partRequests += requests;
            sum.add(latency(part));
        }
        assertEquals(served, partRequests);
        Histogram total = latency(whole);
        assertEquals(sum, total, "the merged histogram is the parts' added");
        assertEquals(served, total.getTotalCount());
        assertEquals(3, whole.path("parts").size());
        assertEquals(sum.getValueAtPercentile(99) / 1000.0, summary.path("latency").path("p99Us").asDouble(), 0.001);
        long timelineRequests = 0;
        for (JsonNode point : whole.path("timeline")) {
            timelineRequests += point.path("requests").asLong();
        }
        assertEquals(served, timelineRequests, "the merged timeline counts every request once");
        assertTrue(whole.path("timeline").size() <= 4, "parts started together share their seconds: "
                + whole.path("timeline").size() + " points");
    }

    @Test
    @Timeout(60)
    void thresholdsApplyToTheMergedResult(@TempDir Path dir) {
        String[] jsons = new String[2];
        try (TestHttpServer slow = TestHttpServer.start((s, ctx, req, n, c) -> {
            if (n % 10 == 0) {
                s.respond(ctx, req, HttpResponseStatus.SERVICE_UNAVAILABLE, Map.of());
            } else {
                s.respondLater(ctx, req, 20);
            }
        })) {
            for (int i = 0; i < 2; i++) {
                jsons[i] = dir.resolve("part-" + i + ".json").toString();
                Outcome part = load(slow.url(), "--segment", i + "/2", "--rate", "100", "-c", "4", "-d", "1s",
                        "--warmup", "0s", "--json", jsons[i], "-q");
                assertEquals(0, part.code(), part.err());
            }
        }
        Outcome met = merge(jsons[0], jsons[1], "--max-p99", "10s", "--max-error-rate", "50%");
        assertEquals(0, met.code(), met.err());
        assertTrue(met.out().contains("bad_status"), met.out());

        Outcome slowP99 = merge(jsons[0], jsons[1], "--max-p99", "5ms");
        assertEquals(3, slowP99.code(), slowP99.out() + slowP99.err());
        assertTrue(slowP99.err().contains("threshold failed: p99"), slowP99.err());

        Outcome errors = merge(jsons[0], jsons[1], "--max-error-rate", "1%");
        assertEquals(3, errors.code(), errors.err());
        assertTrue(errors.err().contains("threshold failed: error rate "), errors.err());

        Outcome missing = merge(jsons[0]);
        assertEquals(2, missing.code(), missing.err());
        assertEquals("error: segments: '0/2' (expected: each of 0/2 to 1/2 once)", missing.err().strip());
    }

    @Test
    @Timeout(10)
    void aBadSplitIsAnInputError() {
        List<String[]> bad = List.of(
                new String[]{"http://127.0.0.1:1/", "--segment", "3/3"},
                new String[]{"http://127.0.0.1:1/", "--segment", "one"},
                new String[]{"http://127.0.0.1:1/", "--segment", "0/3", "-c", "2"},
                new String[]{"http://127.0.0.1:1/", "--segment", "0/3", "--warmup", "auto"},
                new String[]{"http://127.0.0.1:1/", "--start-at", "tomorrow"},
                new String[]{"http://127.0.0.1:1/", "--parts", "0"});
        List<String> expected = List.of(
                "error: --segment: '3/3' (expected: I/N with N >= 1 and 0 <= I < N, as 0/3)",
                "error: --segment: 'one' (expected: I/N with N >= 1 and 0 <= I < N, as 0/3)",
                "error: --connections: 2 (expected: >= 3, a connection per thread in each of 3 parts)",
                "error: --warmup: auto (expected: a fixed duration with --segment or --parts: every part must "
                        + "measure the same window)",
                "error: --start-at: 'tomorrow' (expected: " + StartTime.EXPECTED + ")",
                "error: --parts: 0 (expected: >= 1)");
        for (int i = 0; i < bad.size(); i++) {
            Outcome o = load(bad.get(i));
            assertEquals(2, o.code(), String.join(" ", bad.get(i)) + ": " + o.err());
            assertEquals(expected.get(i), o.err().strip());
            assertFalse(o.err().contains("\tat "), "no stack trace");
        }
    }
}
