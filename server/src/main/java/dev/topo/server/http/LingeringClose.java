package dev.topo.server.http;

import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.socket.ChannelInputShutdownEvent;
import io.netty.channel.socket.DuplexChannel;
import io.netty.util.ReferenceCountUtil;
import java.util.concurrent.TimeUnit;

/**
 * Closes a connection after its last response without destroying that response. Closing a socket that still has
 * unread input makes the kernel send a reset, and a reset can reach the client before it has read the 4xx (or the
 * {@code Connection: close} answer) it was sent. So, once the last response is written: shut the output (the client
 * reads the response, then end-of-stream), keep reading and throw the input away, and close when the client closes
 * its side, or after {@code limits.lingerTimeout}, or after {@link #MAX_DRAINED} bytes, whichever comes first
 * (RFC 9112 §9.6 asks for this staged close).
 *
 * <p>An embedded channel (the blocking kinds) has no socket to shut: it is closed at once, and the blocking thread
 * that owns the socket closes that (lingering there is the blocking server's part).
 */
final class LingeringClose extends ChannelInboundHandlerAdapter {
    /** Input thrown away at most before the connection is closed anyway. */
    static final long MAX_DRAINED = 256 * 1024;

    private final long lingerNanos;
    private final TimeoutHandler timeouts;
    private final Runnable releaseSlot;
    private ChannelHandlerContext ctx;
    private boolean lingering;
    private long drained;

    /** @param releaseSlot gives the connection's slot under limits.maxConnections back when the lingering begins */
    LingeringClose(long lingerNanos, TimeoutHandler timeouts, Runnable releaseSlot) {
        this.lingerNanos = lingerNanos;
        this.timeouts = timeouts;
        this.releaseSlot = releaseSlot;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        this.ctx = ctx;
    }

    /** Lingers, then closes, once {@code lastWrite} (the connection's last response) is done; any thread. */
    void closeAfter(ChannelFuture lastWrite) {
        closeAfter(lastWrite, true);
    }

    /** As above; without {@code staged} the connection closes at once, for when no input can be left unread. */
    void closeAfter(ChannelFuture lastWrite, boolean staged) {
        lastWrite.addListener(f -> {
            if (ctx.executor().inEventLoop()) {
                begin(staged);
            } else {
                ctx.executor().execute(() -> begin(staged));
            }
        });
    }

    /** True once the connection is on its way out: nothing more is read into the pipeline. */
    boolean lingering() {
        return lingering;
    }

    private void begin(boolean staged) {
        if (lingering) {
            return;
        }
        lingering = true;
        timeouts.stop();
        Channel ch = ctx.channel();
        if (!staged || !(ch instanceof DuplexChannel socket) || !ch.isActive() || socket.isInputShutdown()) {
            ch.close();
            return;
        }
        socket.shutdownOutput();
        releaseSlot.run();
        // Flow control may have stopped reading; the input has to be drained for the close to be clean.
        ch.config().setAutoRead(true);
        ch.read();
        ctx.executor().schedule(() -> ch.close(), lingerNanos, TimeUnit.NANOSECONDS);
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (!lingering) {
            ctx.fireChannelRead(msg);
            return;
        }
        if (msg instanceof ByteBuf buf) {
            drained += buf.readableBytes();
        }
        ReferenceCountUtil.release(msg);
        if (drained > MAX_DRAINED) {
            ctx.close();
        }
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
        if (lingering && evt instanceof ChannelInputShutdownEvent) {
            // The client closed its side after reading the response: nothing is left to protect.
            ctx.close();
            return;
        }
        ctx.fireUserEventTriggered(evt);
    }
}
