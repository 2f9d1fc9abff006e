package dev.topo.server.process;

import static dev.topo.server.testing.RawHttp.get;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.topo.server.testing.RawHttp;
import dev.topo.server.testing.RawHttp.Response;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** process-reuseport with two workers: the shared body, the kernel's spread across processes, restarts. */
class ProcessReusePortTest extends ProcessContract {
    private static final Logger log = LoggerFactory.getLogger(ProcessReusePortTest.class);

    @Override
    String yaml() {
        return "topology: {kind: process-reuseport, processes: 2, listeners: 1, workersPerListener: 0}\n";
    }

    /** New connections until both workers answered (bounded: the hash would have to miss one 64 times). */
    private Set<Long> respondersOver64Connections(Set<Long> wanted) throws Exception {
        Set<Long> seen = new HashSet<>();
        for (int i = 0; i < 64 && !seen.containsAll(wanted); i++) {
            try (RawHttp c = new RawHttp(server.address())) {
                Response r = c.exchange(get("/"));
                assertEquals(200, r.status());
                seen.add(ProcessTests.worker(r));
            }
        }
        return seen;
    }

    @Test
    @Order(10)
    void theKernelSpreadsConnectionsOverBothWorkers() throws Exception {
        List<Long> workers = ProcessTests.workerPids(server);
        assertEquals(2, workers.size());
        assertEquals(new HashSet<>(workers), respondersOver64Connections(new HashSet<>(workers)),
                "every response comes from a listed worker, and each worker answered some");
    }

    @Test
    @Order(20)
    void aWorkerKilledWithSigkillIsRestartedAndServes() throws Exception {
        long millis = ProcessTests.killAndAwaitRestart(server, 1);
        log.info("process-reuseport: worker slot 1 serving again {} ms after SIGKILL", millis);
        List<Long> workers = ProcessTests.workerPids(server);
        assertTrue(respondersOver64Connections(new HashSet<>(workers)).containsAll(workers),
                "the restarted worker " + workers.get(1) + " joined the port");
    }
}
