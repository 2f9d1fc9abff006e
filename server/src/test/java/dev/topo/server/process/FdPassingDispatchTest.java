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
import java.util.ArrayList;
import java.util.List;
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
}
