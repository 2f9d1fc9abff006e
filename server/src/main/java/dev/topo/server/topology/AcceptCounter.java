package dev.topo.server.topology;

import dev.topo.server.metrics.LoopStats;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;

/**
 * On a listening channel: counts read cycles that accepted no connection. Netty fires channelReadComplete after
 * every accept loop, even an empty one, so a cycle with no channelRead is a wake-up another loop won.
 */
final class AcceptCounter extends ChannelInboundHandlerAdapter {
    private final LoopStats loop;
    private int acceptedThisCycle;

    AcceptCounter(LoopStats loop) {
        this.loop = loop;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        acceptedThisCycle++;
        ctx.fireChannelRead(msg);
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        if (acceptedThisCycle == 0) {
            loop.emptyAcceptWakeup();
        }
        acceptedThisCycle = 0;
        ctx.fireChannelReadComplete();
    }
}
