package dev.topo.server.topology;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.topo.server.metrics.ListenerStats;
import dev.topo.server.metrics.LoopStats;
import dev.topo.server.metrics.ServerMetrics;
import io.netty.channel.embedded.EmbeddedChannel;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The herd counter on a listening channel: a read cycle that accepted nothing is one empty wake-up. */
@Timeout(5)
class AcceptCounterTest {
    @Test
    void aReadCycleWithoutAnAcceptIsCountedAndOneWithIsNot() {
        ServerMetrics metrics = new ServerMetrics(10);
        try {
            ListenerStats listener = metrics.addListener(0);
            LoopStats loop = metrics.addLoop(listener, "topo-loop-0-1", false);
            EmbeddedChannel listening = new EmbeddedChannel(new AcceptCounter(loop));
            listening.pipeline().fireChannelReadComplete();
            listening.pipeline().fireChannelReadComplete();
            assertEquals(2, loop.emptyAcceptWakeups(), "two wake-ups that found nothing");
            EmbeddedChannel accepted = new EmbeddedChannel();
            listening.writeInbound(accepted);
            assertEquals(2, loop.emptyAcceptWakeups(), "a cycle that accepted is not empty");
            listening.finishAndReleaseAll();
        } finally {
            metrics.close();
        }
    }
}
