package dev.topo.server.http;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.netty.channel.Channel;
import io.netty.channel.DefaultEventLoopGroup;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.util.concurrent.EventExecutor;
import java.util.HashSet;
import java.util.Iterator;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The open connections of several loops, each set kept on its loop and read there by the stopping thread. */
@Timeout(10)
class OpenConnectionsTest {
    @Test
    void aSnapshotHasEveryLoopsConnectionsAndSkipsAStoppedLoop() throws Exception {
        DefaultEventLoopGroup group = new DefaultEventLoopGroup(2);
        try {
            Iterator<EventExecutor> loops = group.iterator();
            EventExecutor first = loops.next();
            EventExecutor second = loops.next();
            OpenConnections open = new OpenConnections();
            Channel a = new EmbeddedChannel();
            Channel b = new EmbeddedChannel();
            Channel c = new EmbeddedChannel();
            first.submit(() -> open.of(first).add(a)).sync();
            second.submit(() -> open.of(second).addAll(Set.of(b, c))).sync();
            assertEquals(Set.of(a, b, c), new HashSet<>(open.snapshot()));

            second.submit(() -> open.of(second).remove(b)).sync();
            assertEquals(Set.of(a, c), new HashSet<>(open.snapshot()), "a closed connection is gone");

            second.shutdownGracefully(0, 0, TimeUnit.SECONDS).sync();
            assertEquals(Set.of(a), new HashSet<>(open.snapshot()), "a stopped loop has closed its channels");
        } finally {
            group.shutdownGracefully(0, 0, TimeUnit.SECONDS).sync();
        }
    }
}
