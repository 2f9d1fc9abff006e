package dev.topo.server.topology;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.topo.server.metrics.ServerMetrics;
import io.netty.channel.embedded.EmbeddedChannel;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The connection limit on a listening channel: at it, a connection goes before any per-connection work. */
@Timeout(5)
class ConnectionAdmissionTest {
    @Test
    void atTheLimitAConnectionIsClosedBeforeTheAcceptorSeesIt() {
        ServerMetrics metrics = new ServerMetrics(1);
        try {
            EmbeddedChannel listener = new EmbeddedChannel(new ConnectionAdmission(metrics));
            EmbeddedChannel first = new EmbeddedChannel();
            listener.writeInbound(first);
            assertSame(first, listener.readInbound(), "with room, a connection goes on to the acceptor");
            assertEquals(0, metrics.activeConnections(), "without a slot: it claims one when it opens");
            assertTrue(metrics.tryOpenConnection(), "the first connection opens");

            EmbeddedChannel second = new EmbeddedChannel();
            listener.writeInbound(second);
            assertNull(listener.readInbound(), "the second never reaches the acceptor");
            assertFalse(second.isOpen(), "closed at once");
            assertEquals(1, metrics.rejectedConnections(), "and counted as rejected");
            assertEquals(1, metrics.activeConnections());

            metrics.connectionClosed();
            EmbeddedChannel third = new EmbeddedChannel();
            listener.writeInbound(third);
            assertSame(third, listener.readInbound(), "once the first closed, the next one is admitted");
            listener.finishAndReleaseAll();
        } finally {
            metrics.close();
        }
    }
}
