package dev.topo.server.process;

import static dev.topo.server.testing.RawHttp.get;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.topo.server.testing.RawHttp;
import dev.topo.server.testing.RawHttp.Response;
import dev.topo.server.testing.Servers;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;

/**
 * process-shared-listener with two workers: the shared body, both processes accept on one socket, the herd; and
 * the same with the accept mutex ({@link ProcessSharedListenerMutexTest}), where the herd is gone.
 */
class ProcessSharedListenerTest extends ProcessContract {
    private static final Pattern EMPTY = Pattern.compile(
            "^topo_loop_accept_wakeups_empty_total\\{worker=\"(\\d+)\",[^}]*} (\\S+)$", Pattern.MULTILINE);

    @Override
    String yaml() {
        return "topology: {kind: process-shared-listener, processes: 2, loops: 1}\n";
    }

    @Test
    @Order(10)
    void bothProcessesAcceptOnTheOneSocketAndTheOthersWakeForNothing() throws Exception {
        List<Long> workers = ProcessTests.workerPids(server);
        assertEquals(2, workers.size());
        Set<Long> seen = new HashSet<>();
        // One connection at a time, so that each finds both workers idle: every one wakes them both.
        for (int i = 0; i < 64; i++) {
            try (RawHttp c = new RawHttp(server.address())) {
                Response r = c.exchange(get("/"));
                assertEquals(200, r.status());
                assertEquals("0", r.listener(), "one listener, the master's socket");
                seen.add(ProcessTests.worker(r));
            }
        }
        assertEquals(new HashSet<>(workers), seen, "each worker process accepted some of the 64");
        // Bursts until a loser shows (bounded): see AcceptModelsTest; with the accept mutex there is none to show.
        double empty = 0;
        for (int burst = 0; burst < 10 && empty == 0; burst++) {
            assertEquals(400, Servers.burst(server.address(), 8, 50), "a burst from eight clients, all answered");
            empty = emptyWakeups();
        }
        assertHerd(empty);
    }

    /** Without the mutex, the worker that lost a race woke for nothing at least once. */
    void assertHerd(double empty) {
        assertTrue(empty > 0, "the worker that lost the race woke for nothing at least once: " + empty);
    }

    private double emptyWakeups() throws Exception {
        double empty = 0;
        Matcher m = EMPTY.matcher(Servers.admin(server, "/metrics"));
        while (m.find()) {
            empty += Double.parseDouble(m.group(2));
        }
        return empty;
    }

}
