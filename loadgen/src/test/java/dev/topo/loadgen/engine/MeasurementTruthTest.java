package dev.topo.loadgen.engine;

import dev.topo.loadgen.support.TestEchoServer;
import dev.topo.loadgen.support.TestHttpServer;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.DefaultHttpContent;
import io.netty.handler.codec.http.DefaultHttpResponse;
import io.netty.handler.codec.http.DefaultLastHttpContent;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Each figure of the README's "What is measured" against a server that makes it matter: failures that would vanish
 * from the latency, requests an open loop could not send, a drain that would stretch the rate's window.
 */
@Timeout(30)
class MeasurementTruthTest {

    private static LoadSpec.Builder spec(String url) {
        return LoadSpec.builder(Target.parse(url)).duration(Duration.ofMillis(1000));
    }

    private static long errors(Summary s, ErrorKind kind) {
        return s.errors().get(kind.label());
    }

    @Test
    void aResetWithSixteenPipelinedRequestsIsSixteenErrors() throws Exception {
        // Answers nothing; resets a connection once its 16th request has arrived, so every request is lost.
        Map<Integer, AtomicInteger> perConnection = new ConcurrentHashMap<>();
        try (TestHttpServer server = TestHttpServer.start((s, ctx, req, n, c) -> {
            if (perConnection.computeIfAbsent(c, x -> new AtomicInteger()).incrementAndGet() == 16) {
                TestHttpServer.reset(ctx, req);
            } else {
                req.release();
            }
        })) {
            Summary s = LoadEngine.run(spec(server.url()).connections(2).pipeline(16).build()).summary();
            assertEquals(0, s.requests());
            assertTrue(server.connections.get() >= 4, "connections " + server.connections.get());
            // Each of the 2 connections open when the run ends may not have sent all its 16 requests yet.
            assertTrue(server.requests.get() >= 16L * (server.connections.get() - 2), server.requests.get()
                    + " requests on " + server.connections.get() + " connections");
            // One error per lost request, not one per connection, each with its latency recorded.
            assertEquals(server.requests.get(), errors(s, ErrorKind.RESET), s.errors().toString());
            assertEquals(errors(s, ErrorKind.RESET), s.errorsTotal(), s.errors().toString());
            assertEquals(s.errorsTotal(), s.latency().count());
            assertEquals(1.0, s.errorRate());
        }
    }

    @Test
    void timedOutRequestsAppearInTheP99() throws Exception {
        // Every 40th request is never answered: 2.5% of the requests take the 300 ms timeout.
        try (TestHttpServer server = TestHttpServer.start((s, ctx, req, n, c) -> {
            if (n % 40 == 0) {
                req.release();
            } else {
                s.respond(ctx, req, HttpResponseStatus.OK, Map.of());
            }
        })) {
            Summary s = LoadEngine.run(spec(server.url()).connections(4).timeout(Duration.ofMillis(300))
                    .duration(Duration.ofMillis(1500)).build()).summary();
            long timeouts = errors(s, ErrorKind.TIMEOUT);
            assertTrue(timeouts >= 8, s.errors().toString());
            assertEquals(s.requests() + timeouts, s.latency().count());
            assertTrue(s.latency().p99Us() >= 300_000, "p99 " + s.latency().p99Us() + " with " + timeouts
                    + " timeouts in " + s.latency().count());
            assertTrue(s.latency().p50Us() < 50_000, "p50 " + s.latency().p50Us());
        }
    }

    @Test
    void timeToFirstByteEndsAtTheReadOfTheFirstByteNotTheWholeResponse() throws Exception {
        // The head and a first chunk at once, the last chunk 200 ms later: two reads, far apart.
        try (TestHttpServer server = TestHttpServer.start((s, ctx, req, n, c) -> {
            req.release();
            HttpResponse head = new DefaultHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK);
            HttpUtil.setTransferEncodingChunked(head, true);
            ctx.write(head);
            ctx.writeAndFlush(new DefaultHttpContent(Unpooled.copiedBuffer("first", StandardCharsets.US_ASCII)));
            ctx.executor().schedule(() -> ctx.writeAndFlush(new DefaultLastHttpContent(
                    Unpooled.copiedBuffer("last", StandardCharsets.US_ASCII))), 200, TimeUnit.MILLISECONDS);
        })) {
            Summary s = LoadEngine.run(spec(server.url()).connections(2).build()).summary();
            assertTrue(s.requests() >= 4, s.requests() + " requests");
            assertEquals(0, s.errorsTotal(), s.errors().toString());
            assertEquals(s.requests(), s.ttfb().count());
            assertTrue(s.latency().p50Us() >= 200_000, "latency p50 " + s.latency().p50Us());
            assertTrue(s.ttfb().p99Us() < 100_000, "ttfb p99 " + s.ttfb().p99Us());
        }
    }

    @Test
    void openLoopAboveCapacityCountsWhatItCouldNotSend() throws Exception {
        // Answers its first 300 requests, then nothing: at 1000 req/s on 2 connections most of the second is unsent.
        try (TestHttpServer server = TestHttpServer.start((s, ctx, req, n, c) -> {
            if (n <= 300) {
                s.respond(ctx, req, HttpResponseStatus.OK, Map.of());
            } else {
                req.release();
            }
        })) {
            Summary s = LoadEngine.run(spec(server.url()).connections(2).rate(1000).timeout(Duration.ofSeconds(5))
                    .build()).summary();
            assertEquals(300, s.requests());
            assertEquals(1000, s.scheduled(), 5);
            assertEquals(server.requests.get(), s.sent());
            assertEquals(s.scheduled(), s.sent() + s.dropped());
            assertTrue(s.dropped() >= 600, "dropped " + s.dropped());
            // The two requests the server kept are unanswered when the drain ends: timeouts, not forgotten.
            assertEquals(2, errors(s, ErrorKind.TIMEOUT), s.errors().toString());
            // The unsent tail is in the corrected latency, each at the time it had waited: up to ~700 ms.
            assertEquals(s.requests() + 2 + s.dropped(), s.latency().count());
            assertTrue(s.latency().p99Us() >= 600_000, "corrected p99 " + s.latency().p99Us());
            assertTrue(s.latency().p50Us() >= 100_000, "corrected p50 " + s.latency().p50Us());
            assertEquals(s.sent(), s.sendLag().count());
        }
    }

    @Test
    void aRequestStillWaitingForItsConnectSlotWhenTheWindowEndsIsDropped() throws Exception {
        // 400 req/s, a connection each, through a cap of 100 connects/s: when the window ends, due requests hold
        // all 8 connection slots waiting for their connect. They never left: dropped, not sent and then forgotten.
        try (TestHttpServer server = TestHttpServer.hello()) {
            Summary s = LoadEngine.run(spec(server.url()).connections(8).rate(400).connectRate(100)
                    .connectionMode(ConnectionMode.PER_REQUEST).build()).summary();
            assertEquals(400, s.scheduled(), 2);
            assertTrue(s.dropped() >= 250, "dropped " + s.dropped());
            assertEquals(s.scheduled(), s.sent() + s.dropped());
            assertEquals(0, s.errorsTotal(), s.errors().toString());
            // Every request sent got its answer, and each was sent once: its send lag counts it when its connect
            // began, after its wait for a connect slot.
            assertEquals(s.sent(), s.requests());
            assertEquals(server.requests.get(), s.requests());
            assertEquals(s.sent(), s.sendLag().count());
            assertTrue(s.sendLag().p50Us() >= 50_000, "send lag p50 " + s.sendLag().p50Us());
        }
    }

    @Test
    void openLoopOnTimeHasNoDropsAndASmallSendLag() throws Exception {
        try (TestHttpServer server = TestHttpServer.hello()) {
            Summary s = LoadEngine.run(spec(server.url()).connections(4).rate(500).build()).summary();
            assertEquals(500, s.scheduled(), 2);
            assertEquals(0, s.dropped());
            assertEquals(s.scheduled(), s.sent());
            assertEquals(s.sent(), s.requests());
            assertTrue(s.sendLag().p50Us() < 5_000, "send lag p50 " + s.sendLag().p50Us());
        }
    }

    @Test
    void theRateWindowExcludesTheDrain() throws Exception {
        // Fast for the first 600 ms, then every response is held 1 s: the last requests complete in the drain.
        AtomicLong first = new AtomicLong();
        try (TestHttpServer server = TestHttpServer.start((s, ctx, req, n, c) -> {
            long now = System.nanoTime();
            first.compareAndSet(0, now);
            if (now - first.get() < 600_000_000L) {
                s.respond(ctx, req, HttpResponseStatus.OK, Map.of());
            } else {
                s.respondLater(ctx, req, 1000);
            }
        })) {
            LoadResult r = LoadEngine.run(spec(server.url()).connections(4).build());
            Summary s = r.summary();
            assertEquals(server.requests.get(), s.requests());
            assertEquals(4, s.drainResponses());
            assertEquals(1.0, s.durationSeconds(), 0.001);
            assertTrue(s.drainSeconds() >= 0.3, "drain " + s.drainSeconds());
            // Responses completed inside the second, over the second: not diluted by the drain's time.
            assertEquals(s.requests() - 4, s.achievedRate(), 0.5);
            assertEquals(s.requests() - 4, r.timeline().stream().mapToLong(TimelinePoint::requests).sum());
            assertEquals(s.requests(), s.latency().count());
        }
    }

    @Test
    void aConnectStartedInTheWindowCarriesItsRequestThroughTheDrain() throws Exception {
        // Two handshakes fill the accept queue of a server that accepts nothing yet: the run's connects (each a
        // request whose latency started at its connect) get through only when their SYNs are sent again, a second
        // later, after the 300 ms window has ended. They are requests of the window: they complete in the drain.
        try (TestHttpServer server = TestHttpServer.helloNotAccepting(1);
             Socket queued1 = new Socket("127.0.0.1", server.port());
             Socket queued2 = new Socket("127.0.0.1", server.port())) {
            Thread accepting = new Thread(() -> {
                try {
                    Thread.sleep(500);
                    server.startAccepting();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            });
            accepting.start();
            LoadResult r = LoadEngine.run(spec(server.url()).connections(2).connectionMode(ConnectionMode.PER_REQUEST)
                    .duration(Duration.ofMillis(300)).timeout(Duration.ofSeconds(5)).build());
            accepting.join();
            Summary s = r.summary();
            assertEquals(0, r.timeline().stream().mapToLong(TimelinePoint::requests).sum(), "none in the window");
            assertEquals(2, s.connectionsOpened());
            assertEquals(2, s.requests(), s.errors().toString());
            assertEquals(2, s.drainResponses());
            assertEquals(2, server.requests.get());
            assertEquals(0, s.errorsTotal());
            // Their latency runs from the connect, so it holds the second the SYN waited.
            assertTrue(s.latency().minUs() >= 900_000, "min latency " + s.latency().minUs() + " µs");
        }
    }

    @Test
    void anEchoOfOtherBytesIsAProtocolError() throws Exception {
        try (TestEchoServer server = new TestEchoServer(true)) {
            Summary s = LoadEngine.run(spec("tcp://127.0.0.1:" + server.port()).connections(2)
                    .duration(Duration.ofMillis(500)).build()).summary();
            assertEquals(0, s.requests());
            assertTrue(errors(s, ErrorKind.PROTOCOL) > 0, s.errors().toString());
            assertEquals(errors(s, ErrorKind.PROTOCOL), s.errorsTotal(), s.errors().toString());
        }
    }
}
