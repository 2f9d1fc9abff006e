package dev.topo.server.process;

import static dev.topo.server.testing.RawHttp.get;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.topo.server.TopoServer;
import dev.topo.server.testing.RawHttp;
import dev.topo.server.testing.Servers;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** {@code limits.maxConnections} is one limit for the whole server, however many processes serve it. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ServerWideConnectionLimitTest {
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

    /** Opens a connection and asks for {@code /}: true when answered, false when the server closed it instead. */
    private boolean served() throws IOException {
        RawHttp c = new RawHttp(server.address());
        clients.add(c);
        c.send(get("/"));
        try {
            return c.read().status() == 200;
        } catch (IOException closed) {
            return false;
        }
    }

    private double rejected() throws IOException, InterruptedException {
        return Servers.metric(Servers.admin(server, "/metrics"),
                "topo_connections_rejected_total{worker=\"master\"}");
    }

    @Test
    void fdPassingMasterCountsEveryWorkersConnections() throws Exception {
        server = Servers.start("topology: {kind: process-fd-passing, processes: 2, workers: 1}\n"
                + "limits: {maxConnections: 3}\n");
        assertTrue(served() && served() && served(), "three connections over two workers");
        assertEquals(false, served(), "the fourth is over the server's 3, though each worker has room");
        assertTrue(rejected() >= 1);
        clients.get(0).close();
        assertTrue(ProcessTests.await(() -> {
            try {
                return served();
            } catch (IOException e) {
                return false;
            }
        }, 10), "once the master learns of a close, a new connection is served");
    }

    @Test
    void reusePortWorkersEachTakeTheirShare() throws Exception {
        server = Servers.start("topology: {kind: process-reuseport, processes: 2}\nlimits: {maxConnections: 4}\n");
        int answered = 0;
        for (int i = 0; i < 12; i++) {
            answered += served() ? 1 : 0;
        }
        assertTrue(answered <= 4, answered + " connections served at once, over the server's limit of 4");
        assertTrue(answered >= 2, "each worker serves its share of 2: " + answered);
    }

    @Test
    void perConnectionMasterCountsItsChildren() throws Exception {
        server = Servers.start("topology: {kind: process-per-connection, maxChildren: 4}\n"
                + "limits: {maxConnections: 2}\n");
        assertTrue(served() && served(), "two children");
        assertEquals(false, served(), "a third connection is over the server's 2, though maxChildren is 4");
        assertTrue(rejected() >= 1);
    }
}
