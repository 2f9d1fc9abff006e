package dev.topo.server.topology;

import static dev.topo.server.testing.RawHttp.get;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.topo.server.TopoServer;
import dev.topo.server.testing.RawHttp;
import dev.topo.server.testing.Servers;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code handler.offload: shared-queue} (half-sync/half-reactor) beside {@code pinned} (half-sync/half-async): what
 * the shared queue buys, and that it keeps each connection's responses in order and its queue bounded.
 */
@Timeout(60)
class SharedQueueOffloadTest {
    private static final Logger log = LoggerFactory.getLogger(SharedQueueOffloadTest.class);
    private static final String ONE_LOOP_TWO_THREADS = "topology: {kind: single-acceptor, workers: 1}\n"
            + "handler: {offloadThreads: 2, offload: %s}\n";

    /**
     * Four connections on one loop and two offload threads. Pinned hands connections to the threads round-robin as
     * they register, so connections 0 and 2 share a thread: while connection 0 sleeps 300 ms, connection 2's fast
     * request waits for it although the other thread is free. The shared queue gives it the free thread.
     */
    @Test
    void aSlowRequestHoldsUpOnlyItsOwnConnection() throws Exception {
        long[] pinned = fastLatenciesBehindASlowRequest("pinned");
        long[] shared = fastLatenciesBehindASlowRequest("shared-queue");
        String figures = "pinned " + Arrays.toString(pinned) + " ms, shared-queue "
                + Arrays.toString(shared) + " ms (connections 1, 2, 3)";
        log.info("fast requests behind a 300 ms one: {}", figures);
        assertTrue(pinned[1] > 250, "pinned: connection 2 waits for connection 0's sleep: " + figures);
        for (long millis : shared) {
            assertTrue(millis < 100, "shared-queue: no fast request waits for the slow one: " + figures);
        }
    }

    /** Latencies in ms of GET / on connections 1..3, sent 20 ms after connection 0 asked for a 300 ms sleep. */
    private static long[] fastLatenciesBehindASlowRequest(String mode) throws Exception {
        TopoServer server = Servers.start(String.format(ONE_LOOP_TWO_THREADS, mode));
        ExecutorService clients = Executors.newFixedThreadPool(3);
        List<RawHttp> connections = new ArrayList<>();
        try {
            for (int i = 0; i < 4; i++) {
                // One exchange each before the next opens: the connections register, and are pinned, in this order.
                RawHttp c = new RawHttp(server.address());
                connections.add(c);
                assertEquals(200, c.exchange(get("/")).status());
            }
            RawHttp slow = connections.get(0);
            slow.send(get("/work?sleep=300ms"));
            Thread.sleep(20); // the slow request has reached its thread before the fast ones are sent
            List<Future<Long>> fast = new ArrayList<>();
            for (RawHttp c : connections.subList(1, 4)) {
                fast.add(clients.submit(() -> {
                    long began = System.nanoTime();
                    assertEquals(200, c.exchange(get("/")).status());
                    return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - began);
                }));
            }
            long[] millis = new long[fast.size()];
            for (int i = 0; i < millis.length; i++) {
                millis[i] = fast.get(i).get(10, TimeUnit.SECONDS);
            }
            assertEquals(200, slow.read().status());
            return millis;
        } finally {
            clients.shutdownNow();
            for (RawHttp c : connections) {
                c.close();
            }
            server.stop();
        }
    }

    /**
     * Pipelined requests of one connection, slow ones among fast ones, while another connection keeps the second
     * thread busy: the responses (told apart by their body lengths) come back in request order.
     */
    @Test
    void pipelinedResponsesComeBackInRequestOrder() throws Exception {
        TopoServer server = Servers.start(String.format(ONE_LOOP_TWO_THREADS, "shared-queue"));
        try (RawHttp pipelining = new RawHttp(server.address()); RawHttp other = new RawHttp(server.address())) {
            other.send(get("/work?sleep=150ms&bytes=99"));
            StringBuilder requests = new StringBuilder();
            int count = 12;
            for (int i = 1; i <= count; i++) {
                String sleep = i % 3 == 1 ? "sleep=40ms&" : "";
                requests.append(get("/work?" + sleep + "bytes=" + i));
            }
            pipelining.send(requests.toString());
            for (int i = 1; i <= count; i++) {
                RawHttp.Response r = pipelining.read();
                assertEquals(200, r.status());
                assertEquals(i, r.body().length, "response " + i + " answers request " + i);
            }
            assertEquals(99, other.read().body().length);
        } finally {
            server.stop();
        }
    }

    /**
     * The shared queue holds 64 requests per offload thread. One thread held by a 1 s sleep, then one connection
     * pipelines 64 fast requests: 63 of them fit behind the sleep, the 64th is answered 503, the connection closes,
     * and the rejection is counted.
     */
    @Test
    void aFullQueueAnswers503AndCountsIt() throws Exception {
        TopoServer server = Servers.start("topology: {kind: single-acceptor, workers: 1}\n"
                + "handler: {offloadThreads: 1, offload: shared-queue}\nlimits: {maxPipelinedRequests: 64}\n");
        try (RawHttp slow = new RawHttp(server.address()); RawHttp flood = new RawHttp(server.address())) {
            slow.send(get("/work?sleep=1s"));
            Thread.sleep(50);
            flood.send(get("/").repeat(64));
            for (int i = 1; i < 64; i++) {
                assertEquals(200, flood.read().status(), "request " + i + " found a place in the queue");
            }
            RawHttp.Response full = flood.read();
            assertEquals(503, full.status());
            assertEquals("close", full.header("connection"));
            assertTrue(flood.closedByServer());
            assertEquals(200, slow.read().status());
            String scrape = Servers.admin(server, "/metrics");
            assertEquals(1.0, Servers.metric(scrape, "topo_offload_rejected_total"));
            try (RawHttp after = new RawHttp(server.address())) {
                assertEquals(200, after.exchange(get("/")).status(), "the places are given back");
            }
            // The last place comes back on the loop just after the response is written: give it a moment.
            double queued = -1;
            for (int i = 0; i < 50 && queued != 0; i++) {
                queued = Servers.metric(Servers.admin(server, "/metrics"), "topo_offload_queued");
                Thread.sleep(queued == 0 ? 0 : 20);
            }
            assertEquals(0.0, queued, "every place given back");
        } finally {
            server.stop();
        }
    }
}
