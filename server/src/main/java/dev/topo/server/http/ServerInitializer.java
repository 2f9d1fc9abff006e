package dev.topo.server.http;

import dev.topo.server.metrics.ListenerStats;
import dev.topo.server.metrics.LoopStats;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoop;
import io.netty.channel.group.ChannelGroup;
import java.util.Map;

/** Builds each accepted connection's pipeline; nothing else. */
public final class ServerInitializer extends ChannelInitializer<Channel> {
    private final Pipelines pipelines;
    private final ListenerStats listener;
    private final Map<EventLoop, LoopStats> loops;
    private final ChannelGroup connections;

    /**
     * @param loops       the stats of every loop that may serve this listener's connections, by loop
     * @param connections every open connection, so that a graceful stop can reach them
     */
    public ServerInitializer(Pipelines pipelines, ListenerStats listener, Map<EventLoop, LoopStats> loops,
            ChannelGroup connections) {
        this.pipelines = pipelines;
        this.listener = listener;
        this.loops = Map.copyOf(loops);
        this.connections = connections;
    }

    @Override
    protected void initChannel(Channel ch) {
        listener.accepted();
        connections.add(ch);
        LoopStats loop = loops.get(ch.eventLoop());
        if (loop == null) {
            throw new IllegalStateException("connection on an unregistered loop " + ch.eventLoop());
        }
        pipelines.build(ch.pipeline(), loop, loop.name());
    }
}
