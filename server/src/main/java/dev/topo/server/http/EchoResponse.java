package dev.topo.server.http;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.CompositeByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpUtil;

/**
 * {@code POST /echo}: the request body back, written as it arrives instead of gathered first, so one connection holds
 * at most what the socket has not taken yet ({@link RequestFlow} stops reading while the channel is unwritable).
 *
 * <p>A body of declared length is answered with that {@code Content-Length} as soon as its first bytes arrive (not
 * before: a client that never sends them still gets its 408). A chunked body is
 * gathered up to {@code min(limits.maxBodySize, 64 KiB)}: one that ends within that is answered with its length (and
 * one over {@code maxBodySize} still gets its 413); a longer one is echoed as a chunked response from then on, and
 * if it then passes {@code maxBodySize} the response is cut off and the connection closed.
 */
final class EchoResponse {
    private static final int MAX_BUFFERED = 64 * 1024;

    private final ResponseEncoder encoder;
    private final int bufferLimit;
    private CompositeByteBuf buffered;
    private byte[] connection;
    /** The declared length when the echo can stream, else -1. */
    private long streamLength;
    private boolean started;
    private boolean chunked;

    EchoResponse(ResponseEncoder encoder, long maxBodyBytes) {
        this.encoder = encoder;
        this.bufferLimit = (int) Math.min(maxBodyBytes, MAX_BUFFERED);
    }

    /**
     * A request to echo arrived; its {@code declared} length is within the limit (or -1). Nothing is written yet.
     *
     * @param connection the {@code Connection} header of the response, as {@link ResponseEncoder#encode} takes it
     */
    void begin(ChannelHandlerContext ctx, HttpRequest req, long declared, byte[] connection) {
        this.connection = connection;
        started = false;
        chunked = false;
        streamLength = declared > 0 && !HttpUtil.isTransferEncodingChunked(req) ? declared : -1;
    }

    /** True once the response head is on its way: an error can no longer be answered, only cut off. */
    boolean started() {
        return started;
    }

    /** The {@code Connection} header the response carries. */
    byte[] connection() {
        return connection;
    }

    /** Writes (or gathers) {@code data}; returns true when the response is complete. */
    boolean content(ChannelHandlerContext ctx, ByteBuf data, boolean last) {
        if (!started && streamLength > 0 && data.isReadable()) {
            ctx.write(encoder.encode(ctx.alloc(), ResponseEncoder.Status.OK, ResponseEncoder.OCTET_STREAM, null,
                    streamLength, connection, null, false));
            started = true;
        }
        if (!started) {
            if (data.isReadable()) {
                if (buffered == null) {
                    buffered = ctx.alloc().compositeBuffer(64);
                }
                buffered.addComponent(true, data.retain());
            }
            if (last) {
                ByteBuf body = buffered;
                buffered = null;
                int length = body == null ? 0 : body.readableBytes();
                ctx.write(encoder.encode(ctx.alloc(), ResponseEncoder.Status.OK, ResponseEncoder.OCTET_STREAM, null,
                        length, connection, null, false));
                if (body != null) {
                    ctx.write(body);
                }
                return true;
            }
            if (buffered == null || buffered.readableBytes() <= bufferLimit) {
                return false;
            }
            ctx.write(encoder.encode(ctx.alloc(), ResponseEncoder.Status.OK, ResponseEncoder.OCTET_STREAM, null, -1,
                    connection, null, false));
            started = true;
            chunked = true;
            ByteBuf gathered = buffered;
            buffered = null;
            writeChunk(ctx, gathered);
            return false;
        }
        if (data.isReadable()) {
            if (chunked) {
                writeChunk(ctx, data.retain());
            } else {
                ctx.write(data.retain());
            }
        }
        if (last && chunked) {
            ctx.write(ResponseEncoder.lastChunk());
        }
        return last;
    }

    private static void writeChunk(ChannelHandlerContext ctx, ByteBuf data) {
        ctx.write(ResponseEncoder.chunkHead(ctx.alloc(), data.readableBytes()));
        ctx.write(data);
        ctx.write(ResponseEncoder.chunkEnd());
    }

    /** Drops what was gathered (the request failed, or the connection closed). */
    void release() {
        if (buffered != null) {
            buffered.release();
            buffered = null;
        }
    }
}
