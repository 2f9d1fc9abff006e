package dev.topo.server.process;

import static dev.topo.server.testing.RawHttp.get;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.topo.server.TopoServer;
import dev.topo.server.testing.RawHttp;
import dev.topo.server.testing.RawHttp.Response;
import dev.topo.server.testing.Servers;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;

/**
 * The shared body for the multi-process kinds: routes, keep-alive, echo, the master's documents, graceful stop. One
 * master (this JVM) and its worker JVMs serve every test of a class, because each worker costs a JVM start; the
 * graceful stop runs last and ends them.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@Timeout(value = 60, unit = TimeUnit.SECONDS)
abstract class ProcessContract {
    static final String LIMITS = """
            limits: {idleTimeout: 10s, requestTimeout: 5s}
            work: {maxCpu: 50ms, maxSleep: 2s, maxBytes: 64KiB}
            drainTimeout: 5s
            """;

    TopoServer server;

    /** The {@code topology:} section (and anything else) of the server under test. */
    abstract String yaml();

    /** False when the workers have no admin endpoint to scrape (process-per-connection's children). */
    boolean workersScraped() {
        return true;
    }

    @BeforeAll
    void startServer() throws InterruptedException {
        server = Servers.start(yaml() + LIMITS);
    }

    @AfterAll
    void stopServer() throws InterruptedException {
        if (server != null) {
            server.stop();
        }
    }

    @Test
    @Order(1)
    void routesAnswerFromAWorkerProcess() throws Exception {
        try (RawHttp c = new RawHttp(server.address())) {
            Response hello = c.exchange(get("/"));
            assertEquals(200, hello.status());
            assertEquals("Hello, World!", hello.text());
            assertNotNull(hello.listener());
            assertTrue(hello.loop().startsWith("topo-"), hello.loop());
            long pid = ProcessTests.worker(hello);
            assertNotEquals(ProcessHandle.current().pid(), pid, "served by a worker, not by the master");
            assertTrue(ProcessTests.running(pid), "the pid in X-Topo-Worker is a live process");

            assertEquals("13", c.send("HEAD / HTTP/1.1\r\nHost: t\r\n\r\n").read(true).header("content-length"));
            assertEquals("ok\n", c.exchange(get("/healthz")).text());
            assertEquals(404, c.exchange(get("/nope")).status());
            assertEquals(405, c.exchange("DELETE / HTTP/1.1\r\nHost: t\r\n\r\n").status());
            Response work = c.exchange(get("/work?cpu=1ms&sleep=1ms&bytes=1000"));
            assertEquals(1000, work.body().length);
            assertEquals(400, c.exchange(get("/work?sleep=forever")).status());
        }
    }

    @Test
    @Order(2)
    void keepAliveStaysOnOneWorkerAndOneLoop() throws Exception {
        double before = workersScraped()
                ? ProcessTests.sumOverWorkers(Servers.admin(server, "/metrics"), "topo_requests_served_total") : 0;
        long pid;
        String loop;
        try (RawHttp c = new RawHttp(server.address())) {
            Response first = c.exchange(get("/"));
            pid = ProcessTests.worker(first);
            loop = first.loop();
            for (int i = 1; i < 10; i++) {
                Response r = c.exchange(get("/"));
                assertEquals(200, r.status());
                assertEquals(pid, ProcessTests.worker(r), "one connection, one worker process");
                assertEquals(loop, r.loop(), "one connection, one loop");
            }
        }
        if (workersScraped()) {
            String scrape = Servers.admin(server, "/metrics");
            assertEquals(10, ProcessTests.sumOverWorkers(scrape, "topo_requests_served_total") - before, 0.0,
                    "the master's /metrics merges every worker's counters");
            assertTrue(scrape.contains("topo_requests_served_total{worker=\"" + pid + "\"}"), scrape);
            assertEquals(1, scrape.split("# TYPE topo_requests_served_total ", -1).length - 1,
                    "one TYPE line per family, whatever the number of workers");
        }
    }

    @Test
    @Order(3)
    void echoCarriesLargeBodiesBothWays() throws Exception {
        byte[] body = new byte[256 * 1024];
        for (int i = 0; i < body.length; i++) {
            body[i] = (byte) ('a' + i % 26);
        }
        try (RawHttp c = new RawHttp(server.address())) {
            c.send("POST /echo HTTP/1.1\r\nHost: t\r\nContent-Length: " + body.length + "\r\n\r\n");
            CompletableFuture<Void> writer = CompletableFuture.runAsync(() -> {
                try {
                    c.send(body);
                } catch (java.io.IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            });
            Response r = c.read();
            writer.get(10, TimeUnit.SECONDS);
            assertEquals(200, r.status());
            assertArrayEquals(body, r.body());
            String text = "POST /echo HTTP/1.1\r\nHost: t\r\nContent-Length: 5\r\n\r\nhello";
            assertEquals("hello", new String(c.exchange(text).body(), StandardCharsets.UTF_8));
        }
    }

    @Test
    @Order(4)
    void topologyDocumentListsTheWorkers() throws Exception {
        JsonNode doc = ProcessTests.topology(server);
        assertEquals(server.topology().kind().yamlName(), doc.get("kind").asText());
        assertEquals(ProcessHandle.current().pid(), doc.get("pid").asLong(), "the master's own pid");
        assertEquals("serving", doc.get("state").asText());
        assertEquals(yaml().contains("transport: io_uring") ? "io_uring" : "epoll", doc.get("transport").asText(),
                "the master runs the transport asked for, and its workers inherit it");
        assertTrue(doc.get("workers").isArray(), doc.toString());
        assertTrue(Servers.admin(server, "/healthz").startsWith("ok"));
    }

    /** Runs last: it stops the class's server. */
    @Test
    @Order(100)
    void gracefulStopFinishesInFlightRequestsThenEndsTheWorkers() throws Exception {
        TopoServer s = server;
        server = null;
        List<Long> workers = ProcessTests.workerPids(s);
        try (RawHttp busy = new RawHttp(s.address()); RawHttp idle = new RawHttp(s.address())) {
            // Both connections are being served (their worker holds them) before the stop begins.
            assertEquals(200, idle.exchange(get("/")).status());
            Response first = busy.exchange(get("/"));
            assertEquals(200, first.status());
            long busyWorker = ProcessTests.worker(first);
            busy.send(get("/work?sleep=800ms"));
            Thread.sleep(200);
            CompletableFuture<Void> stopping = Servers.stopInBackground(s);
            Response r = busy.read();
            assertEquals(200, r.status(), "the in-flight request completes");
            Servers.awaitRefused(s.address().getPort());
            // Requests on connections a worker already holds are still answered, the last with Connection: close.
            Servers.drainedAfterRequests(busy);
            Servers.drainedAfterRequests(idle);
            stopping.get(20, TimeUnit.SECONDS);
            assertFalse(ProcessTests.running(busyWorker), "the worker that served it has exited");
            for (long pid : workers) {
                assertFalse(ProcessTests.running(pid), "worker " + pid + " has exited");
            }
        }
    }
}
