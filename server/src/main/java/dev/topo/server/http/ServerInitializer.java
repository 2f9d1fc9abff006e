package dev.topo.server.http;

import dev.topo.server.config.LimitsConfig;
import dev.topo.server.config.Protocol;
import dev.topo.server.config.ServerConfig;
import dev.topo.server.metrics.ListenerStats;
import dev.topo.server.metrics.LoopStats;
import dev.topo.server.metrics.ServerMetrics;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.EventLoop;
import io.netty.channel.group.ChannelGroup;
import io.netty.handler.codec.http.HttpDecoderConfig;
import io.netty.handler.codec.http.HttpRequestDecoder;
import java.util.Map;

/** Builds each accepted connection's pipeline for the configured protocol; nothing else. */
public final class ServerInitializer extends ChannelInitializer<Channel> {
    private final Protocol protocol;
    private final HttpSettings settings;
    private final HttpDecoderConfig decoderConfig;
    private final ServerMetrics metrics;
    private final ListenerStats listener;
    private final Map<EventLoop, LoopStats> loops;
    private final ChannelGroup connections;

    /**
     * @param loops       the stats of every loop that may serve this listener's connections, by loop
     * @param connections every open connection, so that a graceful stop can reach them
     */
    public ServerInitializer(ServerConfig config, ServerMetrics metrics, ListenerStats listener,
            Map<EventLoop, LoopStats> loops, ChannelGroup connections) {
        LimitsConfig limits = config.limits();
        this.protocol = config.protocol();
        this.settings = new HttpSettings(limits, config.work(), metrics);
        this.decoderConfig = new HttpDecoderConfig()
                .setMaxInitialLineLength(limits.maxInitialLineLength().toInt())
                .setMaxHeaderSize(limits.maxHeaderSize().toInt());
        this.metrics = metrics;
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
        ChannelPipeline p = ch.pipeline();
        p.addLast("metrics", new ConnectionMetricsHandler(metrics, loop));
        long idle = settings.limits.idleTimeout().toNanos();
        if (protocol == Protocol.ECHO) {
            p.addLast("timeouts", new TimeoutHandler(idle, 0));
            p.addLast("echo", EchoHandler.INSTANCE);
            return;
        }
        TimeoutHandler timeouts = new TimeoutHandler(idle, settings.limits.requestTimeout().toNanos());
        p.addLast("timeouts", timeouts);
        p.addLast("decoder", new HttpRequestDecoder(decoderConfig));
        p.addLast("http", new HttpServerHandler(settings, loop, timeouts));
    }
}
