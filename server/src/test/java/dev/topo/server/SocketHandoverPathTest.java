package dev.topo.server;

import dev.topo.config.ConfigLoader;
import dev.topo.config.ServerConfig;
import dev.topo.server.listen.ListeningSockets;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * What a live switch says it did with the listening sockets, from the very first switch on: the sockets the server
 * started with are its own, so wanting fewer folds them (or migrates, under tcp_migrate_req) and wanting more binds
 * only the difference.
 */
@Timeout(30)
class SocketHandoverPathTest {

    private static ServerConfig config(String topology) {
        return ConfigLoader.parse("""
                bind: {host: 127.0.0.1, port: 0}
                admin: {enabled: false}
                drainDelay: 0s
                drainTimeout: 2s
                topology: {%s}
                """.formatted(topology), "test");
    }

    @Test
    void theFirstSwitchCountsOnlyWhatItChanged() throws Exception {
        TopoServer server = TopoServer.start(config("kind: reuseport, listeners: 2"));
        try {
            Map<String, Object> fewer = server.switchTo(config("kind: single-acceptor"), "test").listeners();
            String expected = ListeningSockets.kernelMigratesRequests() ? "tcp_migrate_req" : "folded";
            assertEquals(expected, fewer.get("path"), fewer.toString());
            assertEquals(0, fewer.get("opened"), fewer.toString());
            Map<String, Object> more = server.switchTo(config("kind: reuseport, listeners: 3"), "test").listeners();
            assertEquals("grown", more.get("path"), more.toString());
            assertEquals(3, more.get("watched"), more.toString());
            assertEquals(ListeningSockets.kernelMigratesRequests() ? 2 : 1, more.get("opened"), more.toString());
        } finally {
            server.stop();
        }
    }
}
