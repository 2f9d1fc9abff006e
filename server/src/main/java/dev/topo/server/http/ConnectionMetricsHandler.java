package dev.topo.server.http;

import dev.topo.server.metrics.LoopStats;
import dev.topo.server.metrics.ServerMetrics;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;
import io.netty.util.AttributeKey;

/**
 * First handler of every connection: enforces limits.maxConnections (where the listener did not already) and counts
 * connections and bytes on the loop that serves them. Sits at the head so it sees raw bytes both ways.
 */
public final class ConnectionMetricsHandler extends ChannelDuplexHandler {
    /** Set on a connection whose slot under limits.maxConnections was claimed when it was accepted. */
    public static final AttributeKey<Boolean> ADMITTED = AttributeKey.valueOf("topo.admitted");

    private final ServerMetrics metrics;
    private final LoopStats loop;
    private boolean counted;
    /** The connection's slot under limits.maxConnections was given back before the channel closed. */
    private boolean slotReleased;

    ConnectionMetricsHandler(ServerMetrics metrics, LoopStats loop) {
        this.metrics = metrics;
        this.loop = loop;
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        // Event-loop listeners admit before the connection gets here (this handler then owns the slot); blocking
        // kinds and passed fds do not.
        boolean admitted = ctx.channel().attr(ADMITTED).compareAndSet(Boolean.TRUE, Boolean.FALSE);
        if (!admitted && !metrics.tryOpenConnection()) {
            ctx.close();
            return;
        }
        counted = true;
        loop.connectionOpened();
        ctx.fireChannelActive();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        if (counted) {
            counted = false;
            loop.connectionClosed();
            if (!slotReleased) {
                metrics.connectionClosed();
            }
        }
        ctx.fireChannelInactive();
    }

    /**
     * The connection is on its way out (a lingering close drains what the client still sends): its slot under
     * limits.maxConnections goes to the next client now, not when the client gets round to closing. The loop still
     * counts it as open until it is. On the connection's loop.
     */
    void releaseSlot() {
        if (counted && !slotReleased) {
            slotReleased = true;
            metrics.connectionClosed();
        }
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (msg instanceof ByteBuf buf) {
            loop.received(buf.readableBytes());
        }
        ctx.fireChannelRead(msg);
    }

    @Override
    public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
        if (msg instanceof ByteBuf buf) {
            loop.sent(buf.readableBytes());
        }
        ctx.write(msg, promise);
    }
}
