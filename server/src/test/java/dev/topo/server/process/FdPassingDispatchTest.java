package dev.topo.server.process;

import static dev.topo.server.testing.RawHttp.get;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.topo.server.TopoServer;
import dev.topo.server.testing.RawHttp;
import dev.topo.server.testing.Servers;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.Socket;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** process-fd-passing with {@code dispatch: least-connections}: the idle worker gets the new connections. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class FdPassingDispatchTest {
    private TopoServer server;
    private final List<RawHttp> clients = new ArrayList<>();

    @AfterEach
    void stop() throws Exception {
        for (RawHttp c : clients) {
            c.close();
        }
        if (server != null) {
            server.stop();
        }
    }

    private long open() throws IOException {
        RawHttp c = new RawHttp(server.address());
        clients.add(c);
        return ProcessTests.worker(c.exchange(get("/")));
    }

    private long openCount(long pid) throws IOException, InterruptedException {
        for (JsonNode w : ProcessTests.topology(server).get("workers")) {
            if (w.get("pid").asLong() == pid) {
                return w.get("open").asLong();
            }
        }
        throw new AssertionError("no worker " + pid);
    }

    @Test
    void leastConnectionsPrefersTheIdleWorker() throws Exception {
        server = Servers.start("topology: {kind: process-fd-passing, processes: 2, workers: 1, "
                + "dispatch: least-connections}\n");
        List<Long> served = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            served.add(open());
        }
        long a = served.get(0);
        long b = served.get(1);
        assertEquals(List.of(a, b, a, b), served, "ties alternate: each new connection evens the counts out");
        // a's two connections end; b keeps its two.
        clients.get(0).close();
        clients.get(2).close();
        assertTrue(ProcessTests.await(() -> {
            try {
                return openCount(a) == 0 && openCount(b) == 2;
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return true;
            }
        }, 10), "the master learns of the closes");
        assertEquals(List.of(a, a), List.of(open(), open()),
                "both new connections go to the idle worker (round-robin would split them)");
        assertEquals(2, openCount(a), "as the master counts them");
        assertEquals(2, openCount(b));
    }

    @Test
    void aStalledWorkerIsPassedOverAndReportedUntilItReadsAgain() throws Exception {
        server = Servers.start("topology: {kind: process-fd-passing, processes: 2, workers: 1}\n");
        long stalled = open();
        long healthy = open();
        assertTrue(stalled != healthy, "round-robin used both workers");
        List<Socket> parked = new ArrayList<>();
        signal(stalled, "STOP");
        try {
            // Plain connects: each is accepted and passed on; the stopped worker's handoff channel fills up (its
            // kernel buffer and the master's bound hold a few dozen fds between them), then it is passed over.
            for (int i = 0; i < 300; i++) {
                parked.add(new Socket("127.0.0.1", server.address().getPort()));
            }
            JsonNode worker = slot(stalled);
            assertTrue(ProcessTests.await(() -> "stalled".equals(slot(stalled).get("state").asText()), 10),
                    "reported as stalled: " + worker);
            long skipped = slot(stalled).get("skipped").asLong();
            assertTrue(skipped >= 100, "most of the 300 connections passed it over: skipped " + skipped);
            assertEquals(healthy, open(), "a new connection is served at once, by the worker that reads");
            // The stopped worker's admin endpoint does not answer: a scrape waits for it (2 s), the probes do not.
            CompletableFuture<String> scrape = CompletableFuture.supplyAsync(() -> {
                try {
                    return Servers.admin(server, "/metrics");
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return "";
                }
            });
            Thread.sleep(100);
            long probe = System.nanoTime();
            assertTrue(Servers.admin(server, "/readyz").startsWith("ok"));
            long probeMillis = (System.nanoTime() - probe) / 1_000_000;
            assertTrue(probeMillis < 500 && !scrape.isDone(), "/readyz answered in " + probeMillis
                    + " ms while the scrape still waited for the stopped worker");
            scrape.get(10, TimeUnit.SECONDS);
            assertTrue(Servers.metric(Servers.admin(server, "/metrics"), "topo_worker_dispatch_skipped_total"
                    + "{worker=\"master\",slot=\"" + slot(stalled).get("slot").asInt() + "\"}") >= 100);
        } finally {
            signal(stalled, "CONT");
        }
        assertTrue(ProcessTests.await(() -> "running".equals(slot(stalled).get("state").asText()), 10),
                "back to running once it reads its fds again");
        for (Socket s : parked) {
            s.close();
        }
    }

    private JsonNode slot(long pid) {
        try {
            for (JsonNode w : ProcessTests.topology(server).get("workers")) {
                if (w.get("pid").asLong() == pid) {
                    return w;
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        throw new AssertionError("no worker " + pid);
    }

    private static void signal(long pid, String signal) throws IOException, InterruptedException {
        assertEquals(0, new ProcessBuilder("kill", "-" + signal, Long.toString(pid)).start().waitFor());
    }
}
