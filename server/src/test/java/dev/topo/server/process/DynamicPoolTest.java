package dev.topo.server.process;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.topo.server.TopoServer;
import dev.topo.server.testing.RawHttp;
import dev.topo.server.testing.Servers;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A dynamic pool grows under slow requests and shrinks back when they stop, with no failed request while it
 * changes: {@code processes: {min: 1, max: 3, minSpare: 1, maxSpare: 1}}.
 */
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class DynamicPoolTest {
    private static final int CLIENTS = 4;
    private TopoServer server;

    @AfterEach
    void stop() throws InterruptedException {
        if (server != null) {
            server.stop();
        }
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"process-fd-passing", "process-shared-listener"})
    void growsUnderLoadAndShrinksBackWithoutAFailedRequest(String kind) throws Exception {
        server = Servers.start("topology: {kind: " + kind + ", processes: {min: 1, max: 3, minSpare: 1, maxSpare: 1},"
                + " standbyWorkers: 0}\nlimits: {requestTimeout: 10s}\ndrainTimeout: 5s\n");
        assertEquals(1, active(), "it starts at min");

        AtomicBoolean done = new AtomicBoolean();
        AtomicInteger answered = new AtomicInteger();
        AtomicInteger failed = new AtomicInteger();
        ExecutorService clients = Executors.newFixedThreadPool(CLIENTS);
        List<Future<?>> loops = new ArrayList<>();
        for (int i = 0; i < CLIENTS; i++) {
            loops.add(clients.submit(() -> slowRequests(server.address(), done, answered, failed)));
        }
        int peak;
        try {
            assertTrue(ProcessTests.await(() -> active() == 3, 40), "the pool grows to max under four slow clients");
            peak = active();
        } finally {
            done.set(true);
            clients.shutdown();
            assertTrue(clients.awaitTermination(20, TimeUnit.SECONDS));
        }
        for (Future<?> loop : loops) {
            loop.get();
        }
        assertTrue(ProcessTests.await(() -> active() == 1, 40), "and shrinks back to min once they stop");
        assertEquals(3, peak);
        assertEquals(0, failed.get(), "no request failed while the pool changed (" + answered + " answered)");
        JsonNode pool = ProcessTests.topology(server).get("pool");
        assertTrue(pool.get("grown").asInt() >= 2 && pool.get("shrunk").asInt() >= 2, pool.toString());
        assertEquals(200, new RawHttp(server.address()).exchange(RawHttp.get("/")).status(), "and serves on");
    }

    /** Requests that hold a worker 300 ms each, on a new connection each, until told to stop. */
    private static void slowRequests(InetSocketAddress address, AtomicBoolean done, AtomicInteger answered,
            AtomicInteger failed) {
        while (!done.get()) {
            try (RawHttp c = new RawHttp(address)) {
                c.send("GET /work?sleep=300ms HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n");
                if (c.read().status() == 200) {
                    answered.incrementAndGet();
                } else {
                    failed.incrementAndGet();
                }
            } catch (IOException e) {
                failed.incrementAndGet();
            }
        }
    }

    private int active() {
        try {
            return ProcessTests.topology(server).get("pool").get("active").asInt();
        } catch (IOException e) {
            return -1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return -1;
        }
    }
}
