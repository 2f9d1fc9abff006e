package dev.topo.server.topology;

import static dev.topo.server.testing.RawHttp.get;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.topo.server.TopoServer;
import dev.topo.server.testing.RawHttp;
import dev.topo.server.testing.RawHttp.Response;
import dev.topo.server.testing.Servers;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

@Timeout(60)
class ReusePortSpreadTest {

    /**
     * The kernel hashes connections over the SO_REUSEPORT sockets, so a bounded number of connections reaches every
     * listener; what the server counts per listener must match what clients saw in {@code X-Topo-Listener}.
     */
    @ParameterizedTest(name = "listeners={0} workersPerListener={1}")
    @CsvSource({"2, 0", "4, 0", "2, 1", "4, 2"})
    void everyListenerAcceptsAndMetricsAgreeWithHeaders(int listeners, int workersPerListener) throws Exception {
        TopoServer server = Servers.start("topology: {kind: reuseport, listeners: " + listeners
                + ", workersPerListener: " + workersPerListener + "}\n");
        try {
            Map<String, Integer> seen = new HashMap<>();
            int connections = 0;
            while (seen.size() < listeners && connections < 400) {
                try (RawHttp c = new RawHttp(server.address())) {
                    Response first = c.exchange(get("/"));
                    Response second = c.exchange(get("/"));
                    connections++;
                    seen.merge(first.listener(), 1, Integer::sum);
                    assertEquals(first.loop(), second.loop(), "a connection stays on its loop");
                    if (workersPerListener == 0) {
                        assertEquals("topo-loop-" + first.listener(), first.loop(),
                                "shared-nothing: the listener's own loop serves what it accepted");
                    } else {
                        assertTrue(first.loop().startsWith("topo-worker-" + first.listener() + "-"), first.loop());
                    }
                }
            }
            assertEquals(listeners, seen.size(), "after " + connections + " connections only " + seen.keySet()
                    + " had accepted");
            String scrape = Servers.admin(server, "/metrics");
            for (int i = 0; i < listeners; i++) {
                double counted = Servers.metric(scrape,
                        "topo_listener_connections_accepted_total{listener=\"" + i + "\"}");
                assertEquals(seen.getOrDefault(Integer.toString(i), 0), (int) counted, "listener " + i);
            }
        } finally {
            server.stop();
        }
    }
}
