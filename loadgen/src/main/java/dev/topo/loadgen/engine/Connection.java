package dev.topo.loadgen.engine;

import dev.topo.loadgen.stats.SpreadCounter;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;

/**
 * One client connection: the channel handler, its in-flight requests and its response parser. Runs on its
 * worker's event loop only. In-flight requests live in two rings of {@code pipeline} longs, so a request costs no
 * allocation.
 */
final class Connection extends ChannelInboundHandlerAdapter implements ResponseParser.Sink, ChannelFutureListener {

    /**
     * The origin of a request whose latency starts when it leaves: stamped at the flush that writes it, not when it
     * is queued (a closed loop queues its next requests while it still parses the rest of a read batch).
     */
    static final long AT_FLUSH = Long.MIN_VALUE;

    private final Worker worker;
    private final WorkerStats stats;
    private final ResponseParser parser;
    /** Latency origin: the due time (open loop), the connect start (closed loop, per-request) or the send time. */
    private final long[] origin;
    private final long[] sent;
    private int head;
    private int count;
    /** The newest requests in the ring, written but not flushed yet: their send time is the coming flush. */
    private int unflushed;

    final long connectStart;
    /** Open loop, per-request: the due time of the request this connection was opened for; 0 otherwise. */
    final long intended;
    Channel channel;
    ChannelHandlerContext ctx;
    boolean active;
    /** An error has been counted for this connection; nothing more is counted for it. */
    boolean failed;
    /** The server announced Connection: close; no more requests go on this connection. */
    boolean closing;
    long closeWaitStart;
    /** Index in the worker's connection list, for O(1) removal. */
    int slot = -1;
    boolean idle;
    private boolean wrote;
    private long readTime;
    private SpreadCounter.Cell listenerCell;
    private SpreadCounter.Cell loopCell;
    private int listenerGeneration = -1;
    private int loopGeneration = -1;

    Connection(Worker worker, long connectStart, long intended) {
        this.worker = worker;
        this.stats = worker.stats;
        this.parser = worker.newParser();
        int p = worker.pipeline;
        this.origin = new long[p];
        this.sent = new long[p];
        this.connectStart = connectStart;
        this.intended = intended;
    }

    int inFlight() {
        return count;
    }

    long oldestSent() {
        return sent[head];
    }

    /**
     * Writes one request without flushing; the caller flushes once per batch. {@code originTime} is where its
     * latency starts: a due time, a connect start, or {@link #AT_FLUSH}.
     */
    void send(long originTime) {
        int tail = head + count;
        if (tail >= sent.length) {
            tail -= sent.length;
        }
        origin[tail] = originTime;
        count++;
        unflushed++;
        ByteBuf request = worker.request.next(worker.requestsSent++);
        stats.add(WorkerStats.BYTES_WRITTEN, request.readableBytes());
        ctx.write(request, ctx.voidPromise());
        wrote = true;
    }

    void flush() {
        if (wrote) {
            wrote = false;
            long now = System.nanoTime();
            int i = head + count - unflushed;
            for (; unflushed > 0; unflushed--, i++) {
                int k = i >= sent.length ? i - sent.length : i;
                sent[k] = now;
                if (origin[k] == AT_FLUSH) {
                    origin[k] = now;
                }
            }
            ctx.flush();
        }
    }

    /** Counts {@code kind} for this connection, one error per request it loses, and closes it. */
    void fail(ErrorKind kind) {
        if (!failed) {
            failed = true;
            if (!worker.forced) {
                if (count > 0) {
                    loseInFlight(kind, System.nanoTime());
                } else {
                    lostBeforeSend(kind, System.nanoTime());
                }
            }
        }
        if (ctx != null) {
            ctx.close();
        }
    }

    /**
     * Every request in flight will get no response: one error of {@code kind} each, recorded in the latency at the
     * time it has waited until {@code now}. A reset with sixteen pipelined requests loses sixteen requests.
     */
    void loseInFlight(ErrorKind kind, long now) {
        while (count > 0) {
            int k = head;
            if (++head == sent.length) {
                head = 0;
            }
            count--;
            // A request written but not flushed has not left: it has waited for nothing yet.
            long s = unflushed > count ? now : sent[k];
            long o = origin[k] == AT_FLUSH ? s : origin[k];
            stats.recordLost(kind, now - o, now - uncorrectedOrigin(s));
        }
        unflushed = 0;
    }

    /**
     * The connection failed with no request on it. In per-request mode it was opened for a request, which is lost
     * with it and recorded at its elapsed time; a keep-alive connection loses no request, only itself: one error.
     */
    void lostBeforeSend(ErrorKind kind, long now) {
        if (worker.perRequest) {
            long o = worker.schedule.latencyOrigin(this);
            stats.recordLost(kind, now - o, now - connectStart);
        } else {
            stats.error(kind);
        }
    }

    /**
     * Where the uncorrected latency starts: the send, or in per-request mode the connect start, since the connect
     * is part of what that request waits for (in the closed loop's figure too).
     */
    private long uncorrectedOrigin(long sentAt) {
        return worker.perRequest ? connectStart : sentAt;
    }

    // Connect outcome.
    @Override
    public void operationComplete(ChannelFuture future) {
        if (!future.isSuccess()) {
            // A channel that never became active gets no channelInactive: clean up here. A connect the timeout scan
            // abandoned has been counted already.
            if (!failed && !future.isCancelled()) {
                failed = true;
                if (!worker.forced) {
                    lostBeforeSend(Errors.classify(future.cause()), System.nanoTime());
                }
            }
            worker.onConnectFailed(this);
        }
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        this.ctx = ctx;
        active = true;
        long now = System.nanoTime();
        stats.inc(WorkerStats.CONNECTIONS_OPENED);
        stats.inc(WorkerStats.OPEN_CONNECTIONS);
        if (!worker.forced) {
            WorkerStats.record(stats.connect, now - connectStart);
        }
        worker.onActive(this, now);
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        ByteBuf buf = (ByteBuf) msg;
        try {
            readTime = System.nanoTime();
            stats.add(WorkerStats.BYTES_READ, buf.readableBytes());
            parser.feed(buf, this);
        } catch (ResponseParser.ProtocolException e) {
            fail(ErrorKind.PROTOCOL);
        } finally {
            buf.release();
        }
    }

    /** One flush per read batch of this connection, however many responses the batch completed. */
    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        flush();
    }

    @Override
    public void onResponseStart() {
        if (count > 0 && !worker.forced) {
            WorkerStats.record(stats.ttfb, readTime - sent[head]);
        }
    }

    @Override
    public void onTopoHeader(int which, ByteBuf buf, int index, int length) {
        if (worker.forced) {
            return;
        }
        if (which == 0) {
            if (listenerCell == null || !listenerCell.matches(buf, index, length)) {
                listenerCell = stats.listeners.cell(buf, index, length);
            }
            listenerCell.countResponse();
            if (listenerGeneration != stats.generation) {
                listenerGeneration = stats.generation;
                listenerCell.countConnection();
            }
        } else {
            if (loopCell == null || !loopCell.matches(buf, index, length)) {
                loopCell = stats.loops.cell(buf, index, length);
            }
            loopCell.countResponse();
            if (loopGeneration != stats.generation) {
                loopGeneration = stats.generation;
                loopCell.countConnection();
            }
        }
    }

    @Override
    public void onResponse(int status, boolean close) {
        if (count == 0) {
            fail(ErrorKind.PROTOCOL);
            return;
        }
        long o = origin[head];
        long s = sent[head];
        if (++head == sent.length) {
            head = 0;
        }
        count--;
        long now = readTime;
        if (!worker.forced) {
            stats.recordLatency(now - o, now - uncorrectedOrigin(s));
            stats.inc(WorkerStats.RESPONSES);
            stats.status(status);
            if (status >= 400) {
                stats.error(ErrorKind.BAD_STATUS);
            }
        }
        if (close) {
            closing = true;
        }
        worker.onResponse(this, now);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        active = false;
        stats.add(WorkerStats.OPEN_CONNECTIONS, -1);
        try {
            readTime = System.nanoTime();
            parser.onEof(this);
        } catch (ResponseParser.ProtocolException e) {
            fail(ErrorKind.PROTOCOL);
        }
        // Requests pipelined behind a response that announced Connection: close were never processed: the server
        // said so, it is not an error. A close during the drain loses requests of the measured window: counted.
        if (count > 0 && !failed && !closing && !worker.forced) {
            failed = true;
            loseInFlight(ErrorKind.CLOSED, readTime);
        }
        parser.release();
        worker.onClosed(this);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        ErrorKind kind = Errors.classify(cause);
        if (closing && kind == ErrorKind.RESET) {
            // A server that closes with our pipelined requests unread makes its kernel send an RST: the
            // consequence of the close it announced, not a separate failure.
            failed = true;
            ctx.close();
            return;
        }
        fail(kind);
    }
}
