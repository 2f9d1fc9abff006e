package dev.topo.server.process;

import static dev.topo.server.testing.RawHttp.get;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.topo.server.testing.RawHttp;
import java.net.SocketTimeoutException;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;

/** process-per-connection, at most two children: the shared body, a process per connection, the bound. */
class ProcessPerConnectionTest extends ProcessContract {
    @Override
    String yaml() {
        return "topology: {kind: process-per-connection, maxChildren: 2}\n";
    }

    @Override
    boolean workersScraped() {
        return false;
    }

    @Test
    @Order(10)
    void eachConnectionGetsAFreshProcessAndMaxChildrenBoundsThem() throws Exception {
        long started = ProcessTests.topology(server).get("childrenStarted").asLong();
        try (RawHttp a = new RawHttp(server.address()); RawHttp b = new RawHttp(server.address());
             RawHttp c = new RawHttp(server.address())) {
            long first = ProcessTests.worker(a.exchange(get("/")));
            long second = ProcessTests.worker(b.exchange(get("/")));
            assertNotEquals(first, second, "a process of its own for each connection");
            c.send(get("/"));
            c.socket().setSoTimeout(1_500);
            assertThrows(SocketTimeoutException.class, c::read, "a third connection waits: maxChildren is 2");
            c.socket().setSoTimeout(20_000);
            a.close();
            assertTrue(ProcessTests.await(() -> !ProcessTests.running(first), 20),
                    "the child exits once its connection closed");
            long third = ProcessTests.worker(c.read());
            assertTrue(third != first && third != second, "and the waiting connection gets a fresh process");
        }
        assertEquals(started + 3, ProcessTests.topology(server).get("childrenStarted").asLong());
    }
}
