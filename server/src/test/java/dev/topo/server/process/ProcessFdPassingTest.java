package dev.topo.server.process;

import static dev.topo.server.testing.RawHttp.get;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.topo.server.testing.RawHttp;
import dev.topo.server.testing.RawHttp.Response;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** process-fd-passing with two workers, round-robin: the shared body, exact spread, no fd leaks, restarts. */
class ProcessFdPassingTest extends ProcessContract {
    private static final Logger log = LoggerFactory.getLogger(ProcessFdPassingTest.class);
    private static final byte[] CLOSE_REQUEST = "GET / HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n"
            .getBytes(StandardCharsets.US_ASCII);

    @Override
    String yaml() {
        return "topology: {kind: process-fd-passing, processes: 2, workers: 2, dispatch: round-robin}\n";
    }

    @Test
    @Order(10)
    void roundRobinGivesEachWorkerExactlyItsShare() throws Exception {
        Map<Long, Integer> served = new HashMap<>();
        for (int i = 0; i < 10; i++) {
            try (RawHttp c = new RawHttp(server.address())) {
                Response r = c.exchange(get("/"));
                served.merge(ProcessTests.worker(r), 1, Integer::sum);
            }
        }
        List<Long> workers = ProcessTests.workerPids(server);
        assertEquals(Map.of(workers.get(0), 5, workers.get(1), 5), served);
    }

    @Test
    @Order(20)
    void openFdCountsStayFlatOver10000Connections() throws Exception {
        List<Long> workers = ProcessTests.workerPids(server);
        long master = ProcessHandle.current().pid();
        connections(200);
        Map<Long, Integer> before = fds(master, workers);
        long began = System.nanoTime();
        CompletableFuture<Void> a = CompletableFuture.runAsync(() -> connections(5_000));
        CompletableFuture<Void> b = CompletableFuture.runAsync(() -> connections(5_000));
        a.get(50, TimeUnit.SECONDS);
        b.get(50, TimeUnit.SECONDS);
        long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - began);
        // Closes travel master -> worker -> client asynchronously; give the last ones a moment to land.
        boolean flat = ProcessTests.await(() -> {
            Map<Long, Integer> now = fds(master, workers);
            return now.keySet().stream().allMatch(pid -> now.get(pid) <= before.get(pid) + 8);
        }, 5);
        Map<Long, Integer> after = fds(master, workers);
        log.info("fd counts over 10000 connections in {} ms: before {} after {} (master pid {})", millis, before,
                after, master);
        assertTrue(flat, "open fds before " + before + ", after 10000 connections " + after);
    }

    private static Map<Long, Integer> fds(long master, List<Long> workers) {
        Map<Long, Integer> counts = new HashMap<>();
        counts.put(master, ProcessTests.openFds(master));
        workers.forEach(pid -> counts.put(pid, ProcessTests.openFds(pid)));
        return counts;
    }

    /** {@code n} connections one after another, each one request that the server answers and closes. */
    private void connections(int n) {
        for (int i = 0; i < n; i++) {
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress("127.0.0.1", server.address().getPort()), 5_000);
                s.setSoTimeout(10_000);
                s.getOutputStream().write(CLOSE_REQUEST);
                String response = new String(s.getInputStream().readAllBytes(), StandardCharsets.US_ASCII);
                if (!response.startsWith("HTTP/1.1 200 ")) {
                    throw new AssertionError("connection " + i + ": no 200 response: '" + response + "'");
                }
            } catch (IOException e) {
                throw new java.io.UncheckedIOException("connection " + i, e);
            }
        }
    }

    @Test
    @Order(30)
    void aWorkerKilledWithSigkillIsRestartedAndGetsConnectionsAgain() throws Exception {
        long millis = ProcessTests.killAndAwaitRestart(server, 0);
        log.info("process-fd-passing: worker slot 0 serving again {} ms after SIGKILL", millis);
        long restarted = ProcessTests.workerPids(server).get(0);
        boolean servedByNewWorker = false;
        for (int i = 0; i < 4; i++) {
            try (RawHttp c = new RawHttp(server.address())) {
                Response r = c.exchange(get("/"));
                assertEquals(200, r.status());
                servedByNewWorker |= ProcessTests.worker(r) == restarted;
            }
        }
        assertTrue(servedByNewWorker, "round-robin reaches the restarted worker " + restarted);
        assertTrue(ProcessTests.topology(server).get("workers").get(0).get("restarts").asInt() == 1);
    }
}
