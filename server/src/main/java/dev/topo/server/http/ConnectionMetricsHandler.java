package dev.topo.server.http;

import dev.topo.server.metrics.LoopStats;
import dev.topo.server.metrics.ServerMetrics;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;
import java.util.Set;

/**
 * First handler of every connection: claims its slot under limits.maxConnections, counts connections and bytes on
 * the loop that serves them, and keeps the connection in its loop's set of {@link OpenConnections} while it is open.
 * Sits at the head so it sees raw bytes both ways.
 */
public final class ConnectionMetricsHandler extends ChannelDuplexHandler {
    private final ServerMetrics metrics;
    private final LoopStats loop;
    /** The open connections of this connection's loop (only touched on it), or null where none is kept. */
    private final Set<Channel> open;
    private boolean counted;
    /** The connection's slot under limits.maxConnections was given back before the channel closed. */
    private boolean slotReleased;

    ConnectionMetricsHandler(ServerMetrics metrics, LoopStats loop, Set<Channel> open) {
        this.metrics = metrics;
        this.loop = loop;
        this.open = open;
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        // The slot is claimed here, not when the listener accepted the connection: a connection that never gets
        // this far (its registration failed) then holds none, and no close listener is needed to give it back.
        if (!metrics.tryOpenConnection()) {
            ctx.close();
            return;
        }
        counted = true;
        loop.connectionOpened();
        if (open != null) {
            open.add(ctx.channel());
        }
        ctx.fireChannelActive();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        if (counted) {
            counted = false;
            loop.connectionClosed();
            if (open != null) {
                open.remove(ctx.channel());
            }
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
