package dev.topo.server.http;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.Ticker;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Three timeouts on one timer, all on the connection's loop.
 * <ul>
 * <li><b>request</b>: runs from the first byte of a request (or, when it arrived while earlier pipelined requests
 * were still being answered, from the last of those responses) until the request is received whole, however its
 * bytes trickle in: request line, header lines or body. Then the HTTP handler is told to answer 408
 * ({@link RequestTimeoutEvent}).</li>
 * <li><b>idle</b>: nothing received and nothing pending for this long: the connection is closed.</li>
 * <li><b>send</b>: the socket has not been writable for this long (the client does not read what it was sent): the
 * connection is closed.</li>
 * </ul>
 * While a request is being handled none applies (handlers are bounded by the {@code work} limits).
 *
 * <p>One task per connection, and no timer work per request: the check never sleeps longer than the shortest of the
 * three timeouts, so a request that starts after it was scheduled cannot reach its deadline before the check runs,
 * which then sleeps exactly until the nearest deadline. It sits before the decoder because a request that is still
 * arriving has produced no message yet. Time comes from the loop's ticker, so tests can move it.
 */
final class TimeoutHandler extends ChannelInboundHandlerAdapter {
    private static final Logger log = LoggerFactory.getLogger(TimeoutHandler.class);
    private static final long NONE = Long.MIN_VALUE;

    private final long idleNanos;
    private final long requestNanos;
    private final long sendNanos;
    private final long longestSleep;
    private RequestFlow flow;
    private ChannelHandlerContext ctx;
    private Ticker ticker;
    private Future<?> check;
    private long lastActivity;
    private long requestStart = NONE;
    private long unwritableSince = NONE;
    private boolean stopped;

    /** @param requestNanos {@code <= 0}: no request timeout (protocols without requests, such as echo) */
    TimeoutHandler(long idleNanos, long requestNanos, long sendNanos) {
        this.idleNanos = idleNanos;
        this.requestNanos = requestNanos;
        this.sendNanos = sendNanos;
        long shortest = Math.min(idleNanos, sendNanos);
        this.longestSleep = requestNanos > 0 ? Math.min(shortest, requestNanos) : shortest;
    }

    /** Where request progress comes from; without it (echo) only the idle and send timeouts apply. */
    void watch(RequestFlow flow) {
        this.flow = flow;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        this.ctx = ctx;
        this.ticker = ctx.executor().ticker();
        lastActivity = ticker.nanoTime();
        schedule(longestSleep);
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        lastActivity = ticker.nanoTime();
        ctx.fireChannelRead(msg);
        // Read the clock again: a handler on this thread may have taken a while, and a request that arrived behind
        // the one it handled waited for the server, not the other way round.
        updateRequestClock(ticker.nanoTime());
    }

    /** A response was written: idleness counts from now, and a request that waited for it starts its clock. */
    void responseWritten() {
        long now = ticker.nanoTime();
        lastActivity = now;
        updateRequestClock(now);
    }

    /** Reading was paused or resumed: a request's clock does not run while the server is not reading it. */
    void readingChanged() {
        long now = ticker.nanoTime();
        lastActivity = now;
        updateRequestClock(now);
    }

    /** A lingering close took over the connection: it has its own bound. */
    void stop() {
        stopped = true;
        cancel();
    }

    private void updateRequestClock(long now) {
        if (flow == null || requestNanos <= 0) {
            return;
        }
        if (!flow.waitingForClient()) {
            requestStart = NONE;
        } else if (requestStart == NONE) {
            requestStart = now;
        }
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
        unwritableSince = ctx.channel().isWritable() ? NONE : ticker.nanoTime();
        ctx.fireChannelWritabilityChanged();
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
        check = null;
        if (stopped || !ctx.channel().isOpen()) {
            return;
        }
        long now = ticker.nanoTime();
        long next = now + longestSleep;
        if (unwritableSince != NONE) {
            long deadline = unwritableSince + sendNanos;
            if (deadline - now <= 0) {
                log.debug("{}: not writable for limits.sendTimeout; closing", ctx.channel());
                stopped = true;
                ctx.close();
                return;
            }
            next = Math.min(next, deadline);
        }
        if (requestStart != NONE) {
            long deadline = requestStart + requestNanos;
            if (deadline - now <= 0) {
                stopped = true;
                ctx.fireUserEventTriggered(RequestTimeoutEvent.INSTANCE);
                return;
            }
            next = Math.min(next, deadline);
        } else if (flow == null || flow.idle()) {
            long deadline = lastActivity + idleNanos;
            if (deadline - now <= 0) {
                stopped = true;
                ctx.close();
                return;
            }
            next = Math.min(next, deadline);
        }
        schedule(Math.max(next - now, 1));
    }
}
