package dev.topo.server.http;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.topo.server.TopoServer;
import dev.topo.server.metrics.LoopStats;
import dev.topo.server.metrics.ServerMetrics;
import dev.topo.server.testing.RawHttp;
import dev.topo.server.testing.RawHttp.Response;
import dev.topo.server.testing.Servers;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOutboundHandlerAdapter;
import java.nio.charset.StandardCharsets;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The README's "HTTP routes" and "Admin endpoint" sections, claim by claim, where no other test already holds them
 * (keep-alive, pipelining, HEAD, 414/431/413/400 and 408: TopologyContractTest, StrictParsingTest, TimeoutsTest; the
 * startup line: MasterProcessTest; /readyz during a drain: DrainUnderLoadTest; /work blocking its thread:
 * AcceptModelsTest).
 */
@Timeout(30)
class ReadmeClaimsTest {
    /** RFC 9110 §5.6.7 IMF-fixdate: {@code Sun, 06 Nov 1994 08:49:37 GMT}. */
    private static final Pattern IMF_FIXDATE = Pattern.compile("(Mon|Tue|Wed|Thu|Fri|Sat|Sun), \\d{2} "
            + "(Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) \\d{4} \\d{2}:\\d{2}:\\d{2} GMT");
    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void everyFinalResponseCarriesDateWorkerListenerAndLoop() throws Exception {
        TopoServer server = Servers.start("topology: {kind: single-acceptor, workers: 1}\n"
                + "limits: {maxBodySize: 16, maxHeaderSize: 256, maxInitialLineLength: 64, requestTimeout: 300ms}\n");
        try {
            List<String> requests = List.of(RawHttp.get("/"), RawHttp.get("/nope"),
                    "DELETE / HTTP/1.1\r\nHost: h\r\n\r\n",
                    RawHttp.get("/work?sleep=forever"), "GARBAGE\r\n\r\n", RawHttp.get("/" + "a".repeat(80)),
                    "GET / HTTP/1.1\r\nHost: h\r\nX: " + "x".repeat(300) + "\r\n\r\n",
                    "POST /echo HTTP/1.1\r\nHost: h\r\nContent-Length: 17\r\n\r\n", "GET / HTTP/9.9\r\n\r\n",
                    "GET / HTTP/1.1\r\nHost: h\r\n");
            for (String request : requests) {
                try (RawHttp c = new RawHttp(server.address())) {
                    Response r = c.exchange(request);
                    String what = r.status() + " for " + request.lines().findFirst().orElse("");
                    assertTrue(IMF_FIXDATE.matcher(r.header("date")).matches(), what + ": Date " + r.header("date"));
                    assertEquals(Long.toString(ProcessHandle.current().pid()), r.header("x-topo-worker"), what);
                    assertEquals("0", r.listener(), what);
                    assertEquals("topo-worker-0-1", r.loop(), what);
                }
            }
        } finally {
            server.stop();
        }
        String unavailable = new String(Rejections.serviceUnavailable(0, "topo-acceptor-0"), StandardCharsets.US_ASCII);
        assertTrue(unavailable.startsWith("HTTP/1.1 503 Service Unavailable\r\nDate: "), unavailable);
        assertTrue(unavailable.contains("\r\nX-Topo-Loop: topo-acceptor-0\r\n"), unavailable);
        assertTrue(unavailable.contains("\r\nConnection: close\r\n"), unavailable);
    }

    @Test
    void dateHasTwoDigitDaysAndIsFormattedOncePerSecond() {
        long third = LocalDate.of(2026, 12, 3).atStartOfDay(ZoneOffset.UTC).toEpochSecond();
        assertEquals("Date: Thu, 03 Dec 2026 00:00:00 GMT\r\n",
                new String(HttpDate.lineFor(third), StandardCharsets.US_ASCII));
        byte[] first = HttpDate.line();
        byte[] second = HttpDate.line();
        if (first != second) {
            // The second turned between the two calls; within the next one the line is reused.
            first = HttpDate.line();
            second = HttpDate.line();
        }
        assertSame(first, second, "the same bytes within a second, not a new string per response");
    }

    @Test
    void echoHonoursExpectContinueAndHelloIsThePlaintextShape() throws Exception {
        try (PipelineHarness h = new PipelineHarness("")) {
            String interim = h.send("POST /echo HTTP/1.1\r\nHost: h\r\nExpect: 100-continue\r\n"
                    + "Content-Length: 5\r\n\r\n");
            assertEquals("HTTP/1.1 100 Continue\r\n\r\n", interim, "100 before the body is sent");
            assertTrue(h.send("hello").endsWith("Content-Length: 5\r\n\r\nhello"), h.output());
            String hello = h.send(RawHttp.get("/"));
            assertTrue(hello.contains("\r\nContent-Type: text/plain\r\n") && hello.endsWith("\r\n\r\nHello, World!"),
                    hello);
            assertTrue(h.send(RawHttp.get("/healthz")).endsWith("\r\n\r\nok\n"));
            String wrong = h.send("POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 0\r\n\r\n");
            assertTrue(wrong.startsWith("HTTP/1.1 405 ") && wrong.contains("\r\nAllow: GET, HEAD\r\n"), wrong);
        }
    }

    @Test
    void responsesAreOneBufferEachAndFlushedOncePerReadBatch() {
        try (PipelineHarness h = new PipelineHarness("")) {
            AtomicInteger flushes = new AtomicInteger();
            h.ch.pipeline().addFirst(new ChannelOutboundHandlerAdapter() {
                @Override
                public void flush(ChannelHandlerContext ctx) {
                    flushes.incrementAndGet();
                    ctx.flush();
                }
            });
            h.ch.writeInbound(io.netty.buffer.Unpooled.copiedBuffer(RawHttp.get("/").repeat(3),
                    StandardCharsets.US_ASCII));
            int buffers = 0;
            for (Object out = h.ch.readOutbound(); out != null; out = h.ch.readOutbound()) {
                buffers++;
                io.netty.util.ReferenceCountUtil.release(out);
            }
            assertEquals(3, buffers, "one buffer per response");
            assertEquals(1, flushes.get(), "three pipelined responses, one flush");
        }
    }

    @Test
    void adminEndpointServesItsDocumentsOnItsOwnThread() throws Exception {
        TopoServer server = Servers.start("topology: {kind: single-acceptor, workers: 1}\ntransport: epoll\n"
                + "work: {maxSleep: 2s}\n");
        try {
            int requests = 5;
            try (RawHttp c = new RawHttp(server.address())) {
                for (int i = 0; i < requests; i++) {
                    assertEquals(200, c.exchange(RawHttp.get("/")).status());
                }
            }
            // The only worker loop is blocked in a handler: the admin endpoint answers anyway.
            RawHttp blocker = new RawHttp(server.address());
            blocker.send(RawHttp.get("/work?sleep=1500ms"));
            Thread.sleep(100);
            long start = System.nanoTime();
            String scrape = Servers.admin(server, "/metrics");
            assertTrue(System.nanoTime() - start < TimeUnit.MILLISECONDS.toNanos(1000), "metrics while a loop blocks");
            for (String family : List.of("topo_listener_connections_accepted_total{listener=\"0\"}",
                    "topo_loop_connections_active{", "topo_loop_connections_accepted_total{",
                    "topo_loop_requests_total{",
                    "topo_loop_received_bytes_total{", "topo_loop_sent_bytes_total{",
                    "topo_loop_accept_wakeups_empty_total{", "topo_requests_served_total ", "topo_connections_active ",
                    "topo_connections_rejected_total ", "topo_received_bytes_total ", "topo_sent_bytes_total ",
                    "topo_requests_seconds_bucket{le=", "topo_requests_seconds_count ", "topo_requests_seconds_sum ",
                    "netty_eventexecutor_tasks_pending", "netty_allocator_", "jvm_memory_used_bytes")) {
                assertTrue(scrape.contains(family), "/metrics has " + family);
            }
            assertEquals(1, scrape.split("# TYPE topo_requests_seconds histogram", -1).length - 1, scrape);
            assertEquals(requests, Servers.metric(scrape, "topo_requests_seconds_count"), 0.0,
                    "the latency histogram counts every request");
            JsonNode doc = JSON.readTree(Servers.admin(server, "/topology"));
            assertEquals("single-acceptor", doc.get("kind").asText());
            assertEquals("epoll", doc.get("transport").asText());
            assertEquals("serving", doc.get("state").asText());
            assertEquals(ProcessHandle.current().pid(), doc.get("pid").asLong());
            JsonNode listener = doc.get("listeners").get(0);
            assertNotNull(listener.get("address").asText());
            assertEquals("topo-boss-0", listener.get("acceptor").asText());
            assertEquals(2, listener.get("accepted").asLong());
            JsonNode loop = listener.get("loops").get(0);
            assertEquals("topo-worker-0-1", loop.get("name").asText());
            assertEquals(requests, loop.get("requests").asLong());
            assertTrue(loop.has("emptyAcceptWakeups") && loop.has("activeConnections"), loop.toString());
            assertTrue(Servers.admin(server, "/healthz").startsWith("ok"));
            assertEquals(200, blocker.read().status());
            blocker.close();
        } finally {
            CompletableFuture<Void> stop = Servers.stopInBackground(server);
            stop.get(20, TimeUnit.SECONDS);
        }
    }

    @Test
    void readinessFailsAtOnceWhenAStopBeginsWhileLivenessStaysOk() throws Exception {
        TopoServer server = Servers.start("topology: {kind: single-acceptor, workers: 1}\ndrainDelay: 1s\n");
        assertEquals("ok\n", Servers.admin(server, "/readyz"));
        assertEquals("ok\n", Servers.admin(server, "/livez"));
        CompletableFuture<Void> stop = Servers.stopInBackground(server);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(1);
        String readyz = Servers.admin(server, "/readyz");
        while (readyz.startsWith("ok") && System.nanoTime() < deadline) {
            readyz = Servers.admin(server, "/readyz");
        }
        assertTrue(readyz.startsWith("draining"), readyz);
        assertTrue(Servers.admin(server, "/healthz").startsWith("draining"), "/healthz answers like /readyz");
        assertEquals("ok\n", Servers.admin(server, "/livez"), "a draining server is alive");
        stop.get(20, TimeUnit.SECONDS);
    }

    @Test
    void requestLatencyIsRecordedPerLoopAndMergedAtScrapeTime() {
        try (ServerMetrics metrics = new ServerMetrics(10)) {
            LoopStats a = metrics.addLoop(metrics.addListener(0), "topo-loop-0");
            LoopStats b = metrics.addLoop(metrics.addListener(1), "topo-loop-1");
            a.requestServed(TimeUnit.MICROSECONDS.toNanos(3));
            a.requestServed(TimeUnit.MILLISECONDS.toNanos(1));
            b.requestServed(TimeUnit.MILLISECONDS.toNanos(1));
            String scrape = metrics.scrape();
            assertEquals(3, Servers.metric(scrape, "topo_requests_seconds_count"), 0.0);
            assertEquals(0.002003, Servers.metric(scrape, "topo_requests_seconds_sum"), 1e-9);
            assertEquals(1, Servers.metric(scrape, "topo_requests_seconds_bucket{le=\"4.0E-6\"}"), 0.0);
            assertEquals(3, Servers.metric(scrape, "topo_requests_seconds_bucket{le=\"0.001024\"}"), 0.0,
                    "both loops' millisecond requests, added up at scrape time");
            assertArrayEquals(new double[] {2, 1}, new double[] {a.requests(), b.requests()});
        }
    }
}
