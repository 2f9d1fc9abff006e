package dev.topo.server.http;

import dev.topo.config.LimitsConfig;
import dev.topo.config.Protocol;
import dev.topo.config.ServerConfig;
import dev.topo.server.metrics.LoopStats;
import dev.topo.server.metrics.ServerMetrics;
import io.netty.channel.Channel;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.socket.SocketChannelConfig;
import io.netty.util.concurrent.EventExecutorGroup;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The handlers of one connection, for the configured protocol. Every topology uses it, the event-loop ones through
 * {@link ServerInitializer} and the blocking ones on an embedded channel, so every model serves the same routes with
 * the same limits and headers.
 */
public final class ConnectionPipeline {
    private final Protocol protocol;
    private final HttpSettings settings;
    private final ServerMetrics metrics;
    private final EventExecutorGroup offload;
    /**
     * One encoder per loop: its identity headers are fixed for the loop's life, so a new connection does not pay for
     * formatting them. Threads that live for one connection (thread-per-connection) are not cached.
     */
    private final Map<LoopStats, ResponseEncoder> encoders = new ConcurrentHashMap<>();

    /**
     * @param offload where request handling runs: a {@code DefaultEventExecutorGroup} (pinned), a
     *                {@link SharedQueueOffload}, or null to run it on the connection's own thread
     */
    public ConnectionPipeline(ServerConfig config, ServerMetrics metrics, EventExecutorGroup offload) {
        LimitsConfig limits = config.limits();
        this.protocol = config.protocol();
        this.settings = new HttpSettings(limits, config.work(), metrics);
        this.metrics = metrics;
        this.offload = offload;
    }

    /**
     * Adds the connection's handlers to {@code p}.
     *
     * @param loop   whose counters this connection updates
     * @param thread the name sent in {@code X-Topo-Loop}: the loop's, or the blocking thread's
     * @param open   the open connections of the loop this one is on (see {@link OpenConnections}), or null
     */
    public void build(ChannelPipeline p, LoopStats loop, String thread, Set<Channel> open) {
        LimitsConfig limits = settings.limits;
        if (p.channel().config() instanceof SocketChannelConfig socket) {
            // A client that shuts its output after the last request still reads the answers (RFC 9112 §9.6).
            socket.setAllowHalfClosure(true);
        }
        ConnectionMetricsHandler connection = new ConnectionMetricsHandler(metrics, loop, open);
        p.addLast("metrics", connection);
        long idle = limits.idleTimeout().toNanos();
        long send = limits.sendTimeout().toNanos();
        if (protocol == Protocol.ECHO) {
            p.addLast("timeouts", new TimeoutHandler(idle, 0, send));
            p.addLast("echo", EchoHandler.INSTANCE);
            return;
        }
        ResponseEncoder encoder = thread.equals(loop.name())
                ? encoders.computeIfAbsent(loop, l -> new ResponseEncoder(l.listener().index(), thread))
                : new ResponseEncoder(loop.listener().index(), thread);
        TimeoutHandler timeouts = new TimeoutHandler(idle, limits.requestTimeout().toNanos(), send);
        LingeringClose linger = new LingeringClose(limits.lingerTimeout().toNanos(), timeouts,
                connection::releaseSlot);
        StrictRequestDecoder decoder = new StrictRequestDecoder(limits);
        RequestFlow flow = new RequestFlow(decoder, timeouts, linger, limits.maxPipelinedRequests(),
                offload instanceof SharedQueueOffload shared ? shared : null);
        // Order matters: the lingering close drains raw bytes before anything counts them as activity, the
        // timeouts see raw bytes because a request still arriving is no message yet, and flow control counts
        // requests as decoded, on the loop, before an offload executor queues them.
        p.addLast("linger", linger);
        p.addLast("timeouts", timeouts);
        p.addLast("decoder", decoder);
        p.addLast("flow", flow);
        HttpServerHandler handler = new HttpServerHandler(settings, loop, encoder, flow, linger);
        if (offload != null) {
            // Netty keeps one executor of the group per connection, so its requests stay in order: pinned, one
            // offload thread; shared-queue, the connection's turns on the shared queue (SharedQueueOffload).
            p.addLast(offload, "http", handler);
        } else {
            p.addLast("http", handler);
        }
    }
}
