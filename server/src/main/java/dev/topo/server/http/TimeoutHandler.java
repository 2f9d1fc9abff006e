package dev.topo.server.http;

import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.util.concurrent.Future;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;

/**
 * Two timeouts on one timer. The request timeout runs from the first byte of a request until the request handler
 * has read it whole, so a client that dribbles its headers or body (slowloris) is cut off with 408; the idle timeout
 * closes a connection that sends nothing between requests. While a request is being handled neither applies. It
 * sits before the decoder because a request that is still arriving has produced no message yet.
 *
 * <p>One task per connection, re-armed lazily: the per-request cost is a clock read, not a timer (de)registration.
 * The request handler may run on an offload thread, so the state it touches is volatile.
 */
final class TimeoutHandler extends ChannelInboundHandlerAdapter {
    private static final byte[] REQUEST_TIMEOUT = "request headers and body took longer than limits.requestTimeout\n"
            .getBytes(StandardCharsets.US_ASCII);
    private static final long IDLE = -1;

    private final long idleNanos;
    private final long requestNanos;
    private final ResponseEncoder encoder;
    private ChannelHandlerContext ctx;
    private Future<?> check;
    private volatile long lastActivity;
    private volatile long requestStart = IDLE;
    private volatile boolean handling;

    /**
     * @param requestNanos {@code <= 0} turns the request timeout off (protocols without requests, such as echo)
     * @param encoder      writes the 408, with the connection's identity headers; null when requests are off
     */
    TimeoutHandler(long idleNanos, long requestNanos, ResponseEncoder encoder) {
        this.idleNanos = idleNanos;
        this.requestNanos = requestNanos;
        this.encoder = encoder;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        this.ctx = ctx;
        lastActivity = System.nanoTime();
        schedule(idleNanos);
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        long now = System.nanoTime();
        lastActivity = now;
        if (requestStart == IDLE && requestNanos > 0) {
            requestStart = now;
        }
        ctx.fireChannelRead(msg);
    }

    /** The request handler read a whole request: its read deadline no longer applies while it is handled. */
    void requestComplete() {
        requestStart = IDLE;
        handling = true;
    }

    /** The response was written: idleness counts from now. */
    void responseSent() {
        handling = false;
        lastActivity = System.nanoTime();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        cancel();
        ctx.fireChannelInactive();
    }

    @Override
    public void handlerRemoved(ChannelHandlerContext ctx) {
        cancel();
    }

    private void schedule(long delayNanos) {
        check = ctx.executor().schedule(this::check, delayNanos, TimeUnit.NANOSECONDS);
    }

    private void cancel() {
        if (check != null) {
            check.cancel(false);
            check = null;
        }
    }

    private void check() {
        if (!ctx.channel().isOpen()) {
            return;
        }
        long now = System.nanoTime();
        if (handling) {
            schedule(idleNanos);
            return;
        }
        long start = requestStart;
        if (start != IDLE) {
            long left = start + requestNanos - now;
            if (left <= 0) {
                ctx.writeAndFlush(encoder.encode(ctx.alloc(), ResponseEncoder.Status.REQUEST_TIMEOUT,
                        ResponseEncoder.TEXT_PLAIN, null, REQUEST_TIMEOUT.length, ResponseEncoder.closeHeader(),
                        REQUEST_TIMEOUT, false)).addListener(ChannelFutureListener.CLOSE);
                return;
            }
            schedule(left);
            return;
        }
        long left = lastActivity + idleNanos - now;
        if (left <= 0) {
            ctx.close();
            return;
        }
        schedule(left);
    }
}
