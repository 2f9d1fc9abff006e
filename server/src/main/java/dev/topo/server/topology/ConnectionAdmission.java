package dev.topo.server.topology;

import dev.topo.server.http.ConnectionMetricsHandler;
import dev.topo.server.metrics.ServerMetrics;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler.Sharable;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;

/**
 * On a listening channel, ahead of Netty's acceptor: a connection over {@code limits.maxConnections} is closed right
 * here, before it is registered with a loop, given a pipeline or a timer. One admitted is marked so that the
 * connection's own accounting does not claim a slot a second time.
 */
@Sharable
final class ConnectionAdmission extends ChannelInboundHandlerAdapter {
    private final ServerMetrics metrics;

    ConnectionAdmission(ServerMetrics metrics) {
        this.metrics = metrics;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        Channel connection = (Channel) msg;
        if (!metrics.tryOpenConnection()) {
            connection.unsafe().closeForcibly();
            return;
        }
        connection.attr(ConnectionMetricsHandler.ADMITTED).set(Boolean.TRUE);
        // The connection's handler takes the slot over when it becomes active; one closed before that (its
        // registration failed) gives it back here.
        connection.closeFuture().addListener(f -> {
            if (connection.attr(ConnectionMetricsHandler.ADMITTED).compareAndSet(Boolean.TRUE, Boolean.FALSE)) {
                metrics.connectionClosed();
            }
        });
        ctx.fireChannelRead(msg);
    }
}
