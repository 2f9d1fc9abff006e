package dev.topo.server.topology;

import static dev.topo.server.testing.RawHttp.get;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.topo.server.TopoServer;
import dev.topo.server.testing.RawHttp;
import dev.topo.server.testing.Servers;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * A graceful stop under constant keep-alive load loses nothing: every request sent on an established connection is
 * answered, connections end with {@code Connection: close}, and {@code /readyz} turns 503 for the drain delay while
 * new connections are still accepted. The clients behave like a load balancer's pool: once {@code /readyz} said 503
 * they open no new connection to this server (a connection that completes its handshake in the instant a listening
 * socket closes is reset by the kernel, in nginx as here; the drain delay exists so that none is being made then).
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class DrainUnderLoadTest {
    private static final int CLIENTS = 8;
    private static final String DRAIN = "drainDelay: 1s\ndrainTimeout: 5s\n";

    static Stream<Arguments> topologies() {
        return Stream.of(
                Arguments.of("single-acceptor", "topology: {kind: single-acceptor, workers: 2}\n", CLIENTS),
                Arguments.of("single-acceptor-offload",
                        "topology: {kind: single-acceptor, workers: 1}\nhandler: {offloadThreads: 2}\n", CLIENTS),
                Arguments.of("single-acceptor-shared-queue", "topology: {kind: single-acceptor, workers: 1}\n"
                        + "handler: {offloadThreads: 2, offload: shared-queue}\n", CLIENTS),
                Arguments.of("reuseport-shared-nothing",
                        "topology: {kind: reuseport, listeners: 2, workersPerListener: 0}\n", CLIENTS),
                Arguments.of("shared-listener", "topology: {kind: shared-listener, loops: 2}\n", CLIENTS),
                // One thread serves one keep-alive client: others would wait in the backlog, which is the model.
                Arguments.of("iterative", "topology: {kind: iterative}\n", 1),
                Arguments.of("thread-per-connection", "topology: {kind: thread-per-connection}\n", CLIENTS),
                Arguments.of("thread-pool", "topology: {kind: thread-pool, workers: 2, queue: 16}\n", CLIENTS),
                Arguments.of("process-reuseport", "topology: {kind: process-reuseport, processes: 2}\n", CLIENTS),
                Arguments.of("process-shared-listener", "topology: {kind: process-shared-listener, processes: 2}\n",
                        CLIENTS),
                Arguments.of("process-fd-passing", "topology: {kind: process-fd-passing, processes: 2, workers: 1}\n",
                        CLIENTS));
    }

    /** What the clients saw; every field is a count. */
    private static final class Tally {
        final AtomicLong answered = new AtomicLong();
        final AtomicLong closedWithNotice = new AtomicLong();
        final AtomicLong lost = new AtomicLong();
        final AtomicLong refusedReconnects = new AtomicLong();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("topologies")
    void stopUnderKeepAliveLoadLosesNoRequest(String name, String yaml, int clients) throws Exception {
        TopoServer server = Servers.start(yaml + DRAIN);
        InetSocketAddress address = server.address();
        Tally tally = new Tally();
        AtomicBoolean done = new AtomicBoolean();
        AtomicBoolean notReady = new AtomicBoolean();
        ExecutorService pool = Executors.newFixedThreadPool(clients);
        List<Future<?>> loops = new ArrayList<>();
        for (int i = 0; i < clients; i++) {
            loops.add(pool.submit(() -> client(address, tally, done, notReady)));
        }
        try {
            // A fresh worker JVM answers its first requests slowly: the stop waits until the load really runs.
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
            while (tally.answered.get() < 100 && System.nanoTime() < deadline) {
                Thread.sleep(50);
            }
            long before = tally.answered.get();
            assertTrue(before >= 100, "the load runs before the stop: " + before + " answered");
            CompletableFuture<Void> stopping = Servers.stopInBackground(server);

            assertEquals(503, readyz(server), "not ready as soon as the stop begins");
            notReady.set(true);
            try (RawHttp late = new RawHttp(address)) {
                // The iterative thread is busy with its one client until the drain reaches it: there the listener
                // being open is all that can be checked.
                if (clients > 1) {
                    assertEquals(200, late.exchange(get("/")).status(), "still accepting during the drain delay");
                }
            }
            stopping.get(20, TimeUnit.SECONDS);
        } finally {
            done.set(true);
            pool.shutdown();
            assertTrue(pool.awaitTermination(10, TimeUnit.SECONDS), "clients stop");
        }
        for (Future<?> loop : loops) {
            loop.get();
        }
        assertEquals(0, tally.lost.get(), "requests sent on established connections and never answered ("
                + tally.answered + " answered, " + tally.closedWithNotice + " closed with notice, "
                + tally.refusedReconnects + " connects refused)");
        assertTrue(tally.closedWithNotice.get() >= 1, "connections end with Connection: close, not under the client");
    }

    /** One keep-alive client: requests back to back, reconnecting when the server says Connection: close. */
    private static void client(InetSocketAddress address, Tally tally, AtomicBoolean done, AtomicBoolean notReady) {
        RawHttp c = null;
        while (!done.get()) {
            try {
                if (c == null && notReady.get()) {
                    Thread.sleep(20);
                    continue;
                }
                if (c == null) {
                    try {
                        c = new RawHttp(address);
                    } catch (IOException refused) {
                        tally.refusedReconnects.incrementAndGet();
                        Thread.sleep(20);
                        continue;
                    }
                }
                RawHttp.Response r;
                try {
                    r = c.exchange(get("/"));
                } catch (IOException e) {
                    tally.lost.incrementAndGet();
                    c.close();
                    c = null;
                    continue;
                }
                tally.answered.incrementAndGet();
                if ("close".equalsIgnoreCase(r.header("connection"))) {
                    tally.closedWithNotice.incrementAndGet();
                    c.close();
                    c = null;
                }
                Thread.sleep(2);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        }
        if (c != null) {
            try {
                c.close();
            } catch (IOException e) {
                // the test is over; nothing to count
            }
        }
    }

    private static int readyz(TopoServer server) throws IOException, InterruptedException {
        URI uri = URI.create("http://127.0.0.1:" + server.adminAddress().getPort() + "/readyz");
        HttpClient http = HttpClient.newHttpClient();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(1);
        int status;
        do {
            status = http.send(HttpRequest.newBuilder(uri).build(), HttpResponse.BodyHandlers.discarding())
                    .statusCode();
        } while (status == 200 && System.nanoTime() < deadline);
        return status;
    }
}
