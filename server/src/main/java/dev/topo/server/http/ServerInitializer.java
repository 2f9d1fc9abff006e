package dev.topo.server.http;

import dev.topo.server.metrics.ListenerStats;
import dev.topo.server.metrics.LoopStats;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler.Sharable;
import io.netty.channel.ChannelHandlerAdapter;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.EventLoop;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Builds each accepted connection's pipeline, then leaves it; nothing else. Not a {@code ChannelInitializer}: that
 * one records every channel it initialises in a concurrent set (to guard against being added twice), a cost per
 * connection this initializer, added once per channel by the acceptor or the fd receiver, does not need.
 */
@Sharable
public final class ServerInitializer extends ChannelHandlerAdapter {
    private static final Logger log = LoggerFactory.getLogger(ServerInitializer.class);

    private final ConnectionPipeline pipeline;
    private final ListenerStats listener;
    /** What a connection needs of the loop it lands on, resolved once here rather than per connection. */
    private final Map<EventLoop, Loop> loops;

    private record Loop(LoopStats stats, Set<Channel> open) {
    }

    /**
     * @param loops       the stats of every loop that may serve this listener's connections, by loop
     * @param connections every open connection, so that a graceful stop can reach them
     */
    public ServerInitializer(ConnectionPipeline pipeline, ListenerStats listener, Map<EventLoop, LoopStats> loops,
            OpenConnections connections) {
        this.pipeline = pipeline;
        this.listener = listener;
        Map<EventLoop, Loop> byLoop = new HashMap<>();
        loops.forEach((loop, stats) -> byLoop.put(loop, new Loop(stats, connections.of(loop))));
        this.loops = Map.copyOf(byLoop);
    }

    /** Called once the channel is registered with its loop, on that loop. */
    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        Channel ch = ctx.channel();
        try {
            listener.accepted();
            Loop loop = loops.get(ch.eventLoop());
            if (loop == null) {
                throw new IllegalStateException("connection on an unregistered loop " + ch.eventLoop());
            }
            pipeline.build(ch.pipeline(), loop.stats(), loop.stats().name(), loop.open());
        } catch (RuntimeException e) {
            log.warn("cannot set up connection {}", ch, e);
            ch.close();
        } finally {
            ctx.pipeline().remove(this);
        }
    }
}
