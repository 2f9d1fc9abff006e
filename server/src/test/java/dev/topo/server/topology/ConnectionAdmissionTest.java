package dev.topo.server.topology;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.topo.server.http.ConnectionMetricsHandler;
import dev.topo.server.metrics.ServerMetrics;
import io.netty.channel.embedded.EmbeddedChannel;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The connection limit on a listening channel: over it, a connection goes before any per-connection work. */
@Timeout(5)
class ConnectionAdmissionTest {
    @Test
    void overTheLimitAConnectionIsClosedBeforeTheAcceptorSeesIt() {
        ServerMetrics metrics = new ServerMetrics(1);
        try {
            EmbeddedChannel listener = new EmbeddedChannel(new ConnectionAdmission(metrics));
            EmbeddedChannel first = new EmbeddedChannel();
            EmbeddedChannel second = new EmbeddedChannel();
            listener.writeInbound(first);
            listener.writeInbound(second);
            assertSame(first, listener.readInbound(), "the first goes on to the acceptor");
            assertNull(listener.readInbound(), "the second never reaches it");
            assertTrue(first.isOpen());
            assertEquals(Boolean.TRUE, first.attr(ConnectionMetricsHandler.ADMITTED).get(), "its slot is claimed");
            assertFalse(second.isOpen(), "closed at once");
            assertEquals(1, metrics.activeConnections());

            first.close();
            assertEquals(0, metrics.activeConnections(), "a connection closed before its handler took the slot "
                    + "gives it back");
            EmbeddedChannel third = new EmbeddedChannel();
            listener.writeInbound(third);
            assertSame(third, listener.readInbound(), "and the next one is admitted");
            listener.finishAndReleaseAll();
        } finally {
            metrics.close();
        }
    }
}
