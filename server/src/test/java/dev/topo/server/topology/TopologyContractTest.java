package dev.topo.server.topology;

import static dev.topo.server.testing.RawHttp.get;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.topo.config.ReusePortParameters;
import dev.topo.server.TopoServer;
import dev.topo.server.testing.RawHttp;
import dev.topo.server.testing.RawHttp.Response;
import dev.topo.server.testing.Servers;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** The one test body every topology must pass: routes, keep-alive, pipelining, echo, limits, graceful stop. */
@ParameterizedClass(name = "{0}")
@MethodSource("topologies")
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class TopologyContractTest {
    /** Small limits so that every limit can be hit cheaply. */
    private static final String LIMITS = """
            limits: {maxConnections: 3, idleTimeout: 1s, requestTimeout: 400ms, maxInitialLineLength: 256,
                     maxHeaderSize: 1KiB, maxBodySize: 1KiB}
            work: {maxCpu: 50ms, maxSleep: 2s, maxBytes: 64KiB}
            drainTimeout: 5s
            """;

    /**
     * Every event-loop row runs on epoll and again on io_uring (a {@code @io_uring} row), so both transports pass the
     * very same body; shared-listener (epoll only), NIO and the blocking kinds run once.
     */
    static Stream<Arguments> topologies() {
        Stream<Arguments> eventLoops = Stream.of(
                Arguments.of("single-acceptor", "topology: {kind: single-acceptor, workers: 2}\n"),
                Arguments.of("single-acceptor-offload",
                        "topology: {kind: single-acceptor, workers: 1}\nhandler: {offloadThreads: 4}\n"),
                Arguments.of("single-acceptor-shared-queue", "topology: {kind: single-acceptor, workers: 1}\n"
                        + "handler: {offloadThreads: 4, offload: shared-queue}\n"),
                Arguments.of("reuseport-shared-nothing",
                        "topology: {kind: reuseport, listeners: 2, workersPerListener: 0}\n"),
                Arguments.of("reuseport-pools", "topology: {kind: reuseport, listeners: 2, workersPerListener: 2}\n"));
        Stream<Arguments> others = Stream.of(
                Arguments.of("shared-listener", "topology: {kind: shared-listener, loops: 4}\ntransport: epoll\n"),
                Arguments.of("single-acceptor-nio", "topology: {kind: single-acceptor, workers: 2}\ntransport: nio\n"),
                Arguments.of("iterative", "topology: {kind: iterative}\n"),
                Arguments.of("thread-per-connection", "topology: {kind: thread-per-connection, threads: platform}\n"),
                Arguments.of("thread-pool", "topology: {kind: thread-pool, workers: 4, queue: 8}\n"));
        return Stream.concat(eventLoops.flatMap(a -> Stream.of("epoll", "io_uring").map(t -> Arguments.of(
                t.equals("epoll") ? a.get()[0] : a.get()[0] + "@" + t, a.get()[1] + "transport: " + t + "\n"))),
                others);
    }

    /** The iterative model serves one connection at a time; tests that need two at once say so. */
    private void assumeConcurrent() {
        assumeTrue(!name.equals("iterative"), "iterative serves one connection at a time");
    }

    @Parameter(0)
    String name;

    @Parameter(1)
    String topologyYaml;

    private TopoServer server;

    private TopoServer start(String extra) throws InterruptedException {
        server = Servers.start(topologyYaml + LIMITS + extra);
        return server;
    }

    @AfterEach
    void stop() throws InterruptedException {
        if (server != null) {
            server.stop();
        }
    }

    @Test
    void routesAnswerWithIdentityHeaders() throws Exception {
        start("");
        try (RawHttp c = new RawHttp(server.address())) {
            Response hello = c.exchange(get("/"));
            assertEquals(200, hello.status());
            assertEquals("Hello, World!", hello.text());
            assertEquals("text/plain", hello.header("content-type"));
            assertNotNull(hello.header("date"));
            assertNotNull(hello.listener());
            assertTrue(hello.loop().startsWith("topo-"), hello.loop());

            Response head = c.send("HEAD / HTTP/1.1\r\nHost: t\r\n\r\n").read(true);
            assertEquals("13", head.header("content-length"));

            assertEquals("ok\n", c.exchange(get("/healthz")).text());
            assertEquals(404, c.exchange(get("/nope")).status());
            Response wrongMethod = c.exchange("DELETE / HTTP/1.1\r\nHost: t\r\n\r\n");
            assertEquals(405, wrongMethod.status());
            assertEquals("GET, HEAD", wrongMethod.header("allow"));
            assertEquals(405, c.exchange(get("/echo")).status());

            Response echo = c.exchange("POST /echo HTTP/1.1\r\nHost: t\r\nContent-Length: 5\r\n\r\nhello");
            assertEquals("hello", echo.text());
            Response chunked = c.exchange("POST /echo HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\n\r\n"
                    + "3\r\nabc\r\n2\r\nde\r\n0\r\n\r\n");
            assertEquals("abcde", chunked.text());

            Response work = c.exchange(get("/work?cpu=1ms&sleep=1ms&bytes=1000"));
            assertEquals(200, work.status());
            assertEquals(1000, work.body().length);
            Response badWork = c.exchange(get("/work?sleep=forever"));
            assertEquals(400, badWork.status());
            assertTrue(badWork.text().contains("sleep: 'forever'"), badWork.text());
        }
        try (RawHttp c = new RawHttp(server.address())) {
            Response tooMuch = c.exchange(get("/work?sleep=3s"));
            assertEquals(400, tooMuch.status());
            assertTrue(tooMuch.text().contains("work.maxSleep"), tooMuch.text());
        }
    }

    @Test
    void keepAliveReusesOneConnectionOnOneLoop() throws Exception {
        start("");
        Set<String> loops = new HashSet<>();
        try (RawHttp c = new RawHttp(server.address())) {
            for (int i = 0; i < 20; i++) {
                Response r = c.exchange(get("/"));
                assertEquals(200, r.status());
                assertEquals(null, r.header("connection"));
                loops.add(r.loop());
            }
        }
        assertEquals(1, loops.size(), "every request of a connection is served by one loop: " + loops);
        String scrape = Servers.admin(server, "/metrics");
        double accepted = server.metrics().listeners().stream().mapToLong(l -> l.acceptedConnections()).sum();
        assertEquals(1, accepted, "20 keep-alive requests took one connection");
        assertEquals(20, Servers.metric(scrape, "topo_requests_served_total"), 0.0);
    }

    @Test
    void pipelinedResponsesComeBackInRequestOrder() throws Exception {
        start("");
        StringBuilder batch = new StringBuilder();
        int n = 32;
        for (int i = 1; i <= n; i++) {
            batch.append(get("/work?bytes=" + i));
        }
        try (RawHttp c = new RawHttp(server.address())) {
            c.send(batch.toString());
            for (int i = 1; i <= n; i++) {
                Response r = c.read();
                assertEquals(200, r.status());
                assertEquals(i, r.body().length, "response " + i + " out of order");
            }
        }
    }

    @Test
    void oversizedRequestsAreAnsweredThenClosed() throws Exception {
        start("");
        try (RawHttp c = new RawHttp(server.address())) {
            Response r = c.exchange("GET / HTTP/1.1\r\nHost: t\r\nX-Big: " + "a".repeat(2000) + "\r\n\r\n");
            assertEquals(431, r.status());
            assertEquals("close", r.header("connection"));
            assertTrue(c.closedByServer());
        }
        try (RawHttp c = new RawHttp(server.address())) {
            assertEquals(414, c.exchange(get("/" + "a".repeat(400))).status());
            assertTrue(c.closedByServer());
        }
        try (RawHttp c = new RawHttp(server.address())) {
            Response r = c.exchange("POST /echo HTTP/1.1\r\nHost: t\r\nContent-Length: 5000\r\n\r\n");
            assertEquals(413, r.status());
            assertTrue(c.closedByServer());
        }
        try (RawHttp c = new RawHttp(server.address())) {
            String chunk = "400\r\n" + "b".repeat(1024) + "\r\n";
            c.send("POST /echo HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\n\r\n" + chunk + chunk);
            assertEquals(413, c.read().status());
            assertTrue(c.closedByServer());
        }
        try (RawHttp c = new RawHttp(server.address())) {
            assertEquals(400, c.exchange("GARBAGE\r\n\r\n").status());
            assertTrue(c.closedByServer());
        }
    }

    @Test
    void slowAndIdleClientsAreCutOff() throws Exception {
        start("");
        try (RawHttp c = new RawHttp(server.address())) {
            c.send("GET / HTTP/1.1\r\nHost: t\r\n");
            Thread.sleep(100);
            c.send("X-Slow: 1\r\n");
            long began = System.nanoTime();
            Response r = c.read();
            assertEquals(408, r.status());
            assertNotNull(r.loop(), "the 408 names its loop like every response");
            assertTrue(c.closedByServer());
            assertTrue(System.nanoTime() - began < TimeUnit.SECONDS.toNanos(3));
        }
        try (RawHttp c = new RawHttp(server.address())) {
            assertEquals(200, c.exchange(get("/")).status());
            long began = System.nanoTime();
            assertTrue(c.closedByServer(), "idle connection closed");
            long waited = System.nanoTime() - began;
            assertTrue(waited > TimeUnit.MILLISECONDS.toNanos(700), "closed too early: " + waited / 1e6 + " ms");
        }
    }

    @Test
    void http10ClosesUnlessAskedToKeepAlive() throws Exception {
        start("");
        try (RawHttp c = new RawHttp(server.address())) {
            Response r = c.exchange("GET / HTTP/1.0\r\n\r\n");
            assertEquals(200, r.status());
            assertTrue(c.closedByServer());
        }
        try (RawHttp c = new RawHttp(server.address())) {
            Response r = c.exchange("GET / HTTP/1.0\r\nConnection: keep-alive\r\n\r\n");
            assertEquals("keep-alive", r.header("connection"));
            assertEquals(200, c.exchange("GET / HTTP/1.0\r\nConnection: keep-alive\r\n\r\n").status());
        }
        try (RawHttp c = new RawHttp(server.address())) {
            assertEquals("close", c.exchange("GET / HTTP/1.1\r\nConnection: close\r\n\r\n").header("connection"));
            assertTrue(c.closedByServer());
        }
    }

    @Test
    void connectionsBeyondTheLimitAreClosed() throws Exception {
        assumeConcurrent();
        start("");
        try (RawHttp a = new RawHttp(server.address()); RawHttp b = new RawHttp(server.address());
             RawHttp c = new RawHttp(server.address())) {
            assertEquals(200, a.exchange(get("/")).status());
            assertEquals(200, b.exchange(get("/")).status());
            assertEquals(200, c.exchange(get("/")).status());
            try (RawHttp d = new RawHttp(server.address())) {
                d.send(get("/"));
                assertTrue(d.closedByServer(), "fourth connection over maxConnections: 3");
            }
            assertEquals(200, a.exchange(get("/")).status(), "connections within the limit keep working");
        }
        assertTrue(Servers.metric(Servers.admin(server, "/metrics"), "topo_connections_rejected_total") >= 1);
    }

    @Test
    void echoProtocolEchoes() throws Exception {
        start("protocol: echo\n");
        byte[] payload = new byte[256 * 1024];
        for (int i = 0; i < payload.length; i++) {
            payload[i] = (byte) (i * 31);
        }
        try (Socket s = new Socket("127.0.0.1", server.address().getPort())) {
            s.setSoTimeout(10_000);
            CompletableFuture<Void> writer = CompletableFuture.runAsync(() -> {
                try {
                    s.getOutputStream().write(payload);
                    s.getOutputStream().flush();
                } catch (IOException e) {
                    throw new IllegalStateException(e);
                }
            });
            InputStream in = s.getInputStream();
            byte[] back = in.readNBytes(payload.length);
            writer.get(10, TimeUnit.SECONDS);
            assertArrayEquals(payload, back);
        }
    }

    @Test
    void gracefulStopFinishesInFlightRequestsAndRefusesNewOnes() throws Exception {
        start("");
        TopoServer s = server;
        server = null;
        boolean concurrent = !name.equals("iterative");
        try (RawHttp busy = new RawHttp(s.address()); RawHttp idle = concurrent ? new RawHttp(s.address()) : null) {
            if (idle != null) {
                assertEquals(200, idle.exchange(get("/")).status());
            }
            busy.send(get("/work?sleep=800ms"));
            Thread.sleep(200);
            CompletableFuture<Void> stopping = Servers.stopInBackground(s);
            Response r = busy.read();
            assertEquals(200, r.status(), "the in-flight request completes");
            // The listener of a shared-nothing loop closes once that loop is done with the request in flight.
            Servers.awaitRefused(s.address().getPort());
            // Nothing on an open connection is lost: the next request on each is answered, with Connection: close.
            Servers.drainedAfterRequests(busy);
            if (idle != null) {
                Servers.drainedAfterRequests(idle);
            }
            stopping.get(10, TimeUnit.SECONDS);
        }
    }

    @Test
    void topologyDocumentListsListenersAndLoops() throws Exception {
        start("");
        try (RawHttp c = new RawHttp(server.address())) {
            assertEquals(200, c.exchange(get("/")).status());
        }
        String doc = Servers.admin(server, "/topology");
        assertTrue(doc.contains("\"kind\" : \"" + server.topology().kind().yamlName() + "\""), doc);
        for (String transport : new String[] {"epoll", "io_uring", "nio"}) {
            if (topologyYaml.contains("transport: " + transport + "\n")) {
                assertTrue(doc.contains("\"transport\" : \"" + transport + "\""), "runs on what it asked for: " + doc);
            }
        }
        if (topologyYaml.contains("transport: io_uring")) {
            assertTrue(doc.contains("\"transportFeatures\""), "the kernel's io_uring features are named: " + doc);
        }
        assertTrue(doc.contains("\"state\" : \"serving\""), doc);
        int listeners = server.config().topology().parameters() instanceof ReusePortParameters r ? r.listeners() : 1;
        assertEquals(listeners, server.metrics().listeners().size());
        assertTrue(Servers.admin(server, "/healthz").startsWith("ok"));
        assertTrue(Servers.admin(server, "/metrics").contains("topo_loop_requests_total{"), "per-loop counters");
        String body = new String(Servers.admin(server, "/nope").getBytes(StandardCharsets.UTF_8),
                StandardCharsets.UTF_8);
        assertTrue(body.startsWith("not found"), body);
    }
}
