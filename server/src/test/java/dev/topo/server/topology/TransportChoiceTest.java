package dev.topo.server.topology;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.topo.config.ConfigException;
import dev.topo.config.TopologyKind;
import dev.topo.config.Transport;
import io.netty.channel.uring.IoUringServerSocketChannel;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Which transport a configuration gets, and the errors that say why one cannot run. */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class TransportChoiceTest {

    @Test
    void ioUringIsChosenByNameOnlyAndNamesItsChannelsAndFeatures() {
        TransportChoice uring = TransportChoice.resolve(Transport.IO_URING, TopologyKind.REUSEPORT);
        assertEquals("io_uring", uring.name());
        assertEquals(IoUringServerSocketChannel.class, uring.serverChannelClass());
        assertTrue(uring.isNative());
        assertTrue(uring.features().contains("accept-multishot"), "kernel 6.x offers multishot accept: "
                + uring.features());
        assertEquals("epoll", TransportChoice.resolve(Transport.AUTO, TopologyKind.REUSEPORT).name(),
                "auto stays epoll");
    }

    @Test
    void aKernelWithoutIoUringIsAClearConfigError() {
        ConfigException e = assertThrows(ConfigException.class, () -> TransportChoice.resolve(Transport.IO_URING,
                TopologyKind.SINGLE_ACCEPTOR, null, () -> new UnsupportedOperationException("io_uring_setup: EPERM")));
        assertTrue(e.getMessage().startsWith("transport: 'io_uring' (expected: a transport this kernel offers; "
                + "io_uring is unavailable: java.lang.UnsupportedOperationException: io_uring_setup: EPERM"),
                e.getMessage());
    }

    @Test
    void sharedListenerKindsStayOnEpollAndSayWhy() {
        for (TopologyKind kind : new TopologyKind[] {TopologyKind.SHARED_LISTENER,
                TopologyKind.PROCESS_SHARED_LISTENER}) {
            ConfigException e = assertThrows(ConfigException.class,
                    () -> TransportChoice.resolve(Transport.IO_URING, kind));
            assertTrue(e.getMessage().contains("(expected: epoll or auto for kind " + kind.yamlName()),
                    e.getMessage());
        }
    }
}
