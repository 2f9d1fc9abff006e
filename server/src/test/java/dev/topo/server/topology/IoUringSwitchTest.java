package dev.topo.server.topology;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.topo.server.ReloadResult;
import dev.topo.server.TopoServer;
import dev.topo.server.metrics.ListenerStats;
import dev.topo.server.metrics.ServerMetrics;
import dev.topo.server.testing.Servers;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Live switches on io_uring, in process: an io_uring generation must stop accepting when it is switched away from
 * (a deregistered io_uring channel would go on accepting into it), and switches between epoll and io_uring run on
 * the same listening sockets.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class IoUringSwitchTest {
    private static final String BASE = "bind: {host: 127.0.0.1, port: 0}\nadmin: {host: 127.0.0.1, port: 0}\n"
            + "drainDelay: 0s\n";

    @Test
    void anIoUringGenerationAcceptsNothingOnceSwitchedAwayFrom() throws Exception {
        TopoServer server = Servers.start("transport: io_uring\ntopology: {kind: reuseport, listeners: 2}\n");
        try {
            ServerMetrics old = server.metrics();
            assertEquals(20, Servers.burst(server.address(), 4, 5));
            switchTo(server, "transport: io_uring\ntopology: {kind: single-acceptor, workers: 1}\n");
            long before = accepted(old);
            assertEquals(200, Servers.burst(server.address(), 4, 50), "every connection answered after the switch");
            assertEquals(before, accepted(old), "connections accepted by the generation that stopped accepting");
            assertEquals(200, accepted(server.metrics()), "the new generation accepted them all");
        } finally {
            server.stop();
        }
    }

    @Test
    void epollAndIoUringSwitchBothWaysOnTheSameSockets() throws Exception {
        TopoServer server = Servers.start("transport: epoll\ntopology: {kind: single-acceptor, workers: 1}\n");
        try {
            int port = server.address().getPort();
            switchTo(server, "transport: io_uring\ntopology: {kind: reuseport, listeners: 2}\n");
            assertEquals("io_uring", server.topology().transport());
            assertEquals(100, Servers.burst(server.address(), 4, 25));
            switchTo(server, "transport: epoll\ntopology: {kind: reuseport, listeners: 2}\n");
            assertEquals("epoll", server.topology().transport());
            assertEquals(100, Servers.burst(server.address(), 4, 25));
            assertEquals(port, server.address().getPort(), "the same port throughout");
        } finally {
            server.stop();
        }
    }

    private static void switchTo(TopoServer server, String yaml) {
        ReloadResult r = server.switchTo(Servers.config(BASE + yaml), "test");
        assertTrue(r.switched(), r.toMap().toString());
    }

    private static long accepted(ServerMetrics metrics) {
        return metrics.listeners().stream().mapToLong(ListenerStats::acceptedConnections).sum();
    }
}
