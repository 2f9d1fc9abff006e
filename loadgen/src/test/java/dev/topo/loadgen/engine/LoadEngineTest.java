package dev.topo.loadgen.engine;

import dev.topo.loadgen.stats.Spread;
import dev.topo.loadgen.stats.SpreadCounter;
import dev.topo.loadgen.support.TestEchoServer;
import dev.topo.loadgen.support.TestHttpServer;
import io.netty.handler.codec.http.HttpResponseStatus;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.net.InetAddress;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

@Timeout(30)
class LoadEngineTest {

    private static LoadSpec.Builder spec(String url) {
        return LoadSpec.builder(Target.parse(url)).duration(Duration.ofMillis(1000));
    }

    @Test
    void keepAliveResponsesEqualServerRequests() throws Exception {
        try (TestHttpServer server = TestHttpServer.hello()) {
            LoadResult r = LoadEngine.run(spec(server.url()).connections(8).threads(2).build());
            assertEquals(io.netty.channel.epoll.Epoll.isAvailable() ? "epoll" : "nio", r.transport());
            Summary s = r.summary();
            assertTrue(s.requests() > 100, "too few requests: " + s.requests());
            assertEquals(server.requests.get(), s.requests());
            assertEquals(s.requests(), s.latency().count());
            assertEquals(s.requests(), s.statusClasses().get("2xx"));
            assertEquals(0, s.errorsTotal());
            assertEquals(8, s.connectionsOpened());
            assertEquals(8, server.connections.get());
            // The timeline is the measured window; the drain's responses are reported apart.
            assertEquals(s.requests() - s.drainResponses(),
                    r.timeline().stream().mapToLong(TimelinePoint::requests).sum());
        }
    }

    /** Every transport of the client counts what the server answered, with keep-alive and a connection a request. */
    @ParameterizedTest
    @EnumSource(ClientTransport.class)
    void everyTransportCountsAlike(ClientTransport transport) throws Exception {
        assumeTrue(available(transport), transport.label() + " is unavailable here");
        try (TestHttpServer server = TestHttpServer.hello()) {
            LoadResult r = LoadEngine.run(spec(server.url()).connections(4).pipeline(2).transport(transport).build());
            assertEquals(transport.label(), r.transport());
            assertTrue(r.summary().requests() > 100);
            assertEquals(server.requests.get(), r.summary().requests());
            assertEquals(0, r.summary().errorsTotal());
        }
        try (TestHttpServer server = TestHttpServer.hello()) {
            LoadResult r = LoadEngine.run(spec(server.url()).connections(4).connectionMode(ConnectionMode.PER_REQUEST)
                    .transport(transport).build());
            Summary s = r.summary();
            assertTrue(s.requests() > 50, "too few requests: " + s.requests());
            assertEquals(server.requests.get(), s.requests());
            assertEquals(server.connections.get(), s.connectionsOpened(), "a connection per request");
            assertEquals(s.requests(), s.connectionsOpened());
            assertEquals(0, s.errorsTotal());
        }
    }

    private static boolean available(ClientTransport transport) {
        try {
            transport.requireAvailable();
            return true;
        } catch (InvalidValueException e) {
            return false;
        }
    }

    @Test
    void pipelinedResponsesEqualServerRequests() throws Exception {
        try (TestHttpServer server = TestHttpServer.hello()) {
            LoadResult r = LoadEngine.run(spec(server.url()).connections(4).pipeline(8).build());
            assertTrue(r.summary().requests() > 100);
            assertEquals(server.requests.get(), r.summary().requests());
            assertEquals(0, r.summary().errorsTotal());
        }
    }

    @Test
    void warmupIsExcludedFromEveryFigureAlike() throws Exception {
        try (TestHttpServer server = TestHttpServer.start((s, ctx, req, n, c) -> s.respond(ctx, req,
                HttpResponseStatus.OK, Map.of("X-Topo-Loop", "loop-" + c % 2)))) {
            LoadResult r = LoadEngine.run(spec(server.url()).connections(4).threads(2)
                    .warmup(Duration.ofMillis(500)).build());
            Summary s = r.summary();
            long served = server.requests.get();
            assertTrue(s.requests() > 0);
            assertTrue(s.requests() < served, s.requests() + " vs " + served);
            // Counters, histograms and spread switch to the measurement at the same point.
            assertEquals(s.requests(), s.latency().count());
            assertEquals(s.requests(), r.spread().loop().entries().stream()
                    .mapToLong(SpreadCounter.Count::responses).sum());
            assertEquals(4, r.spread().loop().entries().stream().mapToLong(SpreadCounter.Count::connections).sum());
        }
    }

    @Test
    void autoWarmupJudgesWholeSecondsThenMeasures() throws Exception {
        List<String> events = new java.util.ArrayList<>();
        LoadListener listener = new LoadListener() {
            @Override
            public void onWarmupWindow(WarmupWindow w) {
                events.add("window " + w.second());
            }

            @Override
            public void onWarmupEnd() {
                events.add("end");
            }

            @Override
            public void onInterval(TimelinePoint point, IntervalHistograms histograms) {
                events.add("interval");
            }
        };
        try (TestHttpServer server = TestHttpServer.hello()) {
            LoadResult r = LoadEngine.run(spec(server.url()).connections(4).rate(500).warmup(Warmup.auto()).build(),
                    listener);
            WarmupReport w = r.warmup();
            assertEquals("auto", w.mode());
            int n = w.windows().size();
            assertTrue(n >= 2 && n <= 10, "windows: " + n);
            assertEquals(n, w.seconds(), 0.001);
            for (WarmupWindow window : w.windows()) {
                assertEquals(1.0, window.intervalSeconds(), 0.001);
            }
            // Steady means the last two windows both kept the 500 req/s schedule; otherwise only the ceiling ends it.
            if (w.steady()) {
                assertEquals(500, w.windows().get(n - 1).rate(), 25);
                assertEquals(500, w.windows().get(n - 2).rate(), 25);
            } else {
                assertTrue(w.ceilingReached() && n == 10, w.toString());
            }
            List<String> expected = new java.util.ArrayList<>();
            for (int i = 1; i <= n; i++) {
                expected.add("window " + i);
            }
            expected.add("end");
            expected.add("interval");
            assertEquals(expected, events);
            // The measurement is the second after the warm-up only.
            assertEquals(1, r.timeline().size());
            assertEquals(500, r.summary().requests(), 50);
            assertTrue(r.summary().requests() < server.requests.get());
        }
    }

    @Test
    void echoResponsesMatchEchoedBytes() throws Exception {
        try (TestEchoServer server = new TestEchoServer()) {
            byte[] payload = new byte[100];
            LoadResult r = LoadEngine.run(spec("tcp://127.0.0.1:" + server.port()).connections(4).pipeline(2)
                    .body(payload).build());
            assertTrue(r.summary().requests() > 100);
            assertEquals(server.bytesEchoed.get(), r.summary().requests() * payload.length);
            assertEquals(0, r.summary().errorsTotal());
        }
    }

    @Test
    void coordinatedOmissionCorrectedP99ShowsTheStall() throws Exception {
        try (TestHttpServer server = TestHttpServer.start((s, ctx, req, n, c) -> {
            if (n == 100) {
                s.respondLater(ctx, req, 500);
            } else {
                s.respond(ctx, req, HttpResponseStatus.OK, Map.of());
            }
        })) {
            LoadResult r = LoadEngine.run(spec(server.url()).connections(1).rate(200)
                    .duration(Duration.ofSeconds(3)).build());
            Summary s = r.summary();
            assertEquals(server.requests.get(), s.requests());
            assertTrue(s.requests() >= 500, "requests " + s.requests());
            // ~100 requests were due during the 500 ms stall: over 1% of ~600, so the corrected p99 sees it...
            assertTrue(s.latency().p99Us() >= 300_000, "corrected p99 " + s.latency().p99Us());
            // ...while measured from their actual send only one request was slow.
            assertTrue(s.latencyUncorrected().p99Us() < 100_000, "uncorrected p99 " + s.latencyUncorrected().p99Us());
            assertTrue(s.latencyUncorrected().maxUs() >= 490_000, "uncorrected max " + s.latencyUncorrected().maxUs());
            assertTrue(s.blockedRequests() >= 50, "blocked " + s.blockedRequests());
            assertTrue(s.blockedMaxUs() >= 400_000, "blocked max " + s.blockedMaxUs());
            assertTrue(Math.abs(s.achievedRate() - 200) < 20, "achieved " + s.achievedRate());
        }
    }

    @Test
    void openLoopHoldsTheRequestedRate() throws Exception {
        try (TestHttpServer server = TestHttpServer.hello()) {
            LoadResult r = LoadEngine.run(spec(server.url()).connections(4).threads(2).rate(1000)
                    .duration(Duration.ofSeconds(2)).build());
            assertEquals(server.requests.get(), r.summary().requests());
            assertTrue(Math.abs(r.summary().requests() - 2000) <= 100, "requests " + r.summary().requests());
        }
    }

    @Test
    void perRequestOpensOneConnectionPerRequest() throws Exception {
        for (CloseMode mode : CloseMode.values()) {
            try (TestHttpServer server = TestHttpServer.hello()) {
                LoadResult r = LoadEngine.run(spec(server.url()).connections(4)
                        .connectionMode(ConnectionMode.PER_REQUEST).closeMode(mode).build());
                Summary s = r.summary();
                assertTrue(s.requests() > 50, mode + ": requests " + s.requests());
                assertEquals(server.requests.get(), s.requests(), mode.toString());
                waitForClosedConnections(server);
                assertEquals(0, server.requestsPerConnection(2), mode + ": a connection carried two requests");
                assertEquals(s.requests(), server.requestsPerConnection(1), mode.toString());
                // A connect still under way when the window ends carries its request through the drain.
                assertEquals(s.requests(), s.connectionsOpened(), mode.toString());
                assertEquals(0, s.errorsTotal(), mode + ": errors " + s.errors());
            }
        }
    }

    @Test
    void perRequestOpenLoopOpensAConnectionPerScheduledRequest() throws Exception {
        try (TestHttpServer server = TestHttpServer.hello()) {
            LoadResult r = LoadEngine.run(spec(server.url()).connections(4).rate(300)
                    .connectionMode(ConnectionMode.PER_REQUEST).duration(Duration.ofSeconds(2)).build());
            Summary s = r.summary();
            assertEquals(server.requests.get(), s.requests());
            assertTrue(Math.abs(s.requests() - 600) <= 30, "requests " + s.requests());
            waitForClosedConnections(server);
            assertEquals(0, server.requestsPerConnection(2));
            assertEquals(0, s.errorsTotal(), s.errors().toString());
        }
    }

    @Test
    void echoPerRequestClosesEveryConnection() throws Exception {
        try (TestEchoServer server = new TestEchoServer()) {
            LoadResult r = LoadEngine.run(spec("tcp://127.0.0.1:" + server.port()).connections(2)
                    .connectionMode(ConnectionMode.PER_REQUEST).build());
            Summary s = r.summary();
            assertTrue(s.requests() > 50, "requests " + s.requests());
            assertEquals(s.requests(), s.connectionsOpened());
            assertEquals(server.bytesEchoed.get(), s.requests() * 64);
            assertEquals(0, s.errorsTotal(), s.errors().toString());
        }
    }

    @Test
    void serverAnnouncedCloseIsNotAnError() throws Exception {
        for (int pipeline : new int[]{1, 4}) {
            // Like nginx's keepalive_requests: the 50th response on a connection says Connection: close.
            Map<Integer, AtomicInteger> perConnection = new java.util.concurrent.ConcurrentHashMap<>();
            try (TestHttpServer server = TestHttpServer.start((s, ctx, req, n, c) -> {
                int k = perConnection.computeIfAbsent(c, x -> new AtomicInteger()).incrementAndGet();
                if (k == 50) {
                    req.headers().set("Connection", "close");
                }
                if (k <= 50) {
                    s.respond(ctx, req, HttpResponseStatus.OK, Map.of());
                } else {
                    req.release();
                }
            })) {
                LoadResult r = LoadEngine.run(spec(server.url()).connections(4).pipeline(pipeline).build());
                Summary s = r.summary();
                assertTrue(s.connectionsOpened() > 4, "opened " + s.connectionsOpened());
                if (pipeline == 1) {
                    assertEquals(0, s.errorsTotal(), s.errors().toString());
                    assertEquals(server.responses.get(), s.requests());
                } else {
                    // This server closes without lingering, with pipelined requests unread: its kernel then sends
                    // an RST, which may discard its last response before the client reads it. The client then never
                    // saw the announced close, and its pipelined requests are lost to a reset: counted, each.
                    long lost = server.responses.get() - s.requests();
                    assertTrue(lost >= 0 && lost <= s.connectionsOpened() + 4, "lost " + lost);
                    assertEquals(s.errors().get("reset"), s.errorsTotal(), s.errors().toString());
                    assertTrue(s.errorsTotal() <= pipeline * lost, "errors " + s.errors() + ", lost " + lost);
                }
            }
        }
    }

    @Test
    void sourceAddressesAreUsedRoundRobin() throws Exception {
        try (TestHttpServer server = TestHttpServer.hello()) {
            List<InetAddress> sources = List.of(InetAddress.getByName("127.0.0.2"), InetAddress.getByName("127.0.0.3"));
            LoadResult r = LoadEngine.run(spec(server.url()).connections(2).sourceAddresses(sources)
                    .connectionMode(ConnectionMode.PER_REQUEST).closeMode(CloseMode.CLIENT).build());
            assertTrue(r.summary().requests() > 50, "requests " + r.summary().requests());
            assertEquals(0, r.summary().errorsTotal(), r.summary().errors().toString());
            Map<String, AtomicInteger> seen = server.connectionsByClientAddress;
            assertEquals(java.util.Set.of("127.0.0.2", "127.0.0.3"), seen.keySet());
            assertTrue(Math.abs(seen.get("127.0.0.2").get() - seen.get("127.0.0.3").get()) <= 2, seen.toString());
        }
    }

    @Test
    void connectRateIsRespected() throws Exception {
        try (TestHttpServer server = TestHttpServer.hello()) {
            LoadResult r = LoadEngine.run(spec(server.url()).connections(8).threads(2).connectRate(200)
                    .connectionMode(ConnectionMode.PER_REQUEST).duration(Duration.ofSeconds(2)).build());
            long connections = server.connections.get();
            assertTrue(Math.abs(connections - 400) <= 40, "server saw " + connections + " connections");
            assertTrue(Math.abs(r.summary().connectionsOpened() - 400) <= 40,
                    "client opened " + r.summary().connectionsOpened());
        }
    }

    @Test
    void spreadMatchesTheServersHeaderDistribution() throws Exception {
        try (TestHttpServer server = TestHttpServer.start((s, ctx, req, n, c) -> s.respond(ctx, req,
                HttpResponseStatus.OK, Map.of("X-Topo-Listener", String.valueOf(c % 3 == 0 ? 1 : 0),
                        "X-Topo-Loop", "topo-worker-0-" + (c % 4))))) {
            LoadResult r = LoadEngine.run(spec(server.url()).connections(12).threads(2).build());
            Spread spread = r.spread();
            assertEquals(2, spread.listener().entries().size());
            assertEquals(4, spread.loop().entries().size());
            long totalConnections = 0;
            for (SpreadCounter.Count e : spread.listener().entries()) {
                assertEquals(server.responsesByHeader.get("X-Topo-Listener=" + e.value()).get(), e.responses());
                assertEquals(server.connectionsByHeader.get("X-Topo-Listener=" + e.value()).get(), e.connections());
                totalConnections += e.connections();
            }
            assertEquals(12, totalConnections);
            // Connections 1..12: c % 3 == 0 gives listener 1 four times, listener 0 eight times.
            assertEquals(4, spread.listener().entries().get(1).connections());
            assertEquals(8, spread.listener().entries().get(0).connections());
            for (SpreadCounter.Count e : spread.loop().entries()) {
                assertEquals(server.responsesByHeader.get("X-Topo-Loop=" + e.value()).get(), e.responses());
                assertEquals(3, e.connections());
            }
            assertEquals(1.0, spread.loop().connections().jain(), 1e-9);
            assertEquals(0.0, spread.loop().connections().cv(), 1e-9);
            // 8 and 4: Jain = 144 / (2 * 80) = 0.9, cv = 2 / 6.
            assertEquals(0.9, spread.listener().connections().jain(), 1e-9);
            assertEquals(1.0 / 3, spread.listener().connections().cv(), 1e-9);
        }
    }

    private static void waitForClosedConnections(TestHttpServer server) throws InterruptedException {
        long deadline = System.nanoTime() + 2_000_000_000L;
        while (server.requestsPerConnection.values().stream().mapToInt(a -> a.get()).sum() < server.connections.get()
                && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
    }
}
