package dev.topo.server.topology;

import dev.topo.server.metrics.ServerMetrics;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler.Sharable;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;

/**
 * On a listening channel, ahead of Netty's acceptor: while limits.maxConnections connections are open, a new one is
 * closed right here, before it is registered with a loop, given a pipeline or a timer. It only checks: the slot is
 * claimed when the connection opens (several accepted at the limit at once may pass this check; all but the ones
 * that fit are then closed as they open), so a connection costs no close listener to give a slot back.
 */
@Sharable
final class ConnectionAdmission extends ChannelInboundHandlerAdapter {
    private final ServerMetrics metrics;

    ConnectionAdmission(ServerMetrics metrics) {
        this.metrics = metrics;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (metrics.refusedAtLimit()) {
            ((Channel) msg).unsafe().closeForcibly();
            return;
        }
        ctx.fireChannelRead(msg);
    }
}
