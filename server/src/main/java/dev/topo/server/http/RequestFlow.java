package dev.topo.server.http;

import dev.topo.server.http.ResponseEncoder.Status;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.socket.ChannelInputShutdownEvent;
import io.netty.handler.codec.DecoderResult;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.LastHttpContent;

/**
 * Bounds the work one connection can queue: counts the requests decoded against the responses written, and stops
 * reading (auto-read off, decoder paused) while more than {@code limits.maxPipelinedRequests} responses are pending
 * or the socket cannot take more (unwritable). A client that pipelines without reading, or floods an offloaded
 * handler with slow requests, then waits in the kernel's buffers instead of the server's memory.
 *
 * <p>Also the end of a half-closed connection: once the client has shut its output and every request it sent is
 * answered, the connection closes (answer, then close). Sits on the connection's loop, after the decoder; the counts
 * are only touched there, responses reported from an offload thread hop to the loop first.
 *
 * <p>With a shared-queue offload it also takes each request's place in that queue's server-wide bound as the request
 * is decoded, and gives it back with the response (or when the connection closes). A request that finds no place is
 * marked 503 for the HTTP handler to answer, and nothing after it on that connection is admitted: the 503 closes it.
 */
final class RequestFlow extends ChannelInboundHandlerAdapter {
    private final StrictRequestDecoder decoder;
    private final TimeoutHandler timeouts;
    private final LingeringClose linger;
    private final int maxPending;
    /** The shared queue whose bound requests count against, or null (no offload, or pinned). */
    private final SharedQueueOffload sharedQueue;
    private ChannelHandlerContext ctx;
    /** Requests of this connection holding a place in the shared queue; they are answered in order. */
    private int admitted;
    private boolean refused;
    private long heads;
    private long completed;
    private long responses;
    private boolean paused;
    private boolean inputShutdown;

    RequestFlow(StrictRequestDecoder decoder, TimeoutHandler timeouts, LingeringClose linger, int maxPending,
            SharedQueueOffload sharedQueue) {
        this.decoder = decoder;
        this.timeouts = timeouts;
        this.linger = linger;
        this.maxPending = maxPending;
        this.sharedQueue = sharedQueue;
        timeouts.watch(this);
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        this.ctx = ctx;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (msg instanceof HttpRequest request) {
            heads++;
            if (sharedQueue != null) {
                admit(request);
            }
        }
        if (msg instanceof LastHttpContent) {
            completed++;
        }
        ctx.fireChannelRead(msg);
        updateReading();
    }

    /** The HTTP handler wrote the response to one request; any thread. */
    void responded() {
        if (ctx.executor().inEventLoop()) {
            onResponse();
        } else {
            ctx.executor().execute(this::onResponse);
        }
    }

    private void admit(HttpRequest request) {
        if (request.decoderResult().isFailure()) {
            return; // answered with its 4xx and closed: it holds no place
        }
        if (!refused && sharedQueue.tryAdmit()) {
            admitted++;
            return;
        }
        refused = true;
        request.setDecoderResult(DecoderResult.failure(new RejectedRequest(Status.UNAVAILABLE,
                "server busy: the shared offload queue is full (" + sharedQueue.capacity() + " requests)")));
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        giveBackPlaces();
        ctx.fireChannelInactive();
    }

    private void giveBackPlaces() {
        if (admitted > 0) {
            sharedQueue.release(admitted);
            admitted = 0;
        }
    }

    private void onResponse() {
        if (admitted > 0) {
            // Responses come in request order, and every admitted request precedes any refused one.
            admitted--;
            sharedQueue.release(1);
        }
        responses++;
        updateReading();
        timeouts.responseWritten();
        closeIfHalfClosedAndAnswered();
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
        updateReading();
        ctx.fireChannelWritabilityChanged();
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
        if (evt instanceof ChannelInputShutdownEvent) {
            // The decoder has passed on everything before the FIN (a request cut short became a failed message).
            inputShutdown = true;
            closeIfHalfClosedAndAnswered();
        }
        ctx.fireUserEventTriggered(evt);
    }

    /** Every request decoded so far is answered and nothing of the next one has arrived. */
    boolean idle() {
        return responses >= heads && !decoder.headInProgress() && !paused;
    }

    /**
     * The server is waiting for the rest of a request from the client: part of it arrived, every complete request
     * before it is answered, and reading is not paused. This is when the request timeout runs.
     */
    boolean waitingForClient() {
        return !paused && responses >= completed && (heads > completed || decoder.headInProgress());
    }

    private void updateReading() {
        if (linger.lingering()) {
            return;
        }
        boolean pause = heads - responses > maxPending || !ctx.channel().isWritable();
        if (pause == paused) {
            return;
        }
        paused = pause;
        if (pause) {
            decoder.pause();
            ctx.channel().config().setAutoRead(false);
        } else {
            ctx.channel().config().setAutoRead(true);
            decoder.resume();
        }
        timeouts.readingChanged();
    }

    private void closeIfHalfClosedAndAnswered() {
        if (inputShutdown && responses >= heads && ctx.channel().isActive() && !linger.lingering()) {
            ctx.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener(ChannelFutureListener.CLOSE);
        }
    }
}
