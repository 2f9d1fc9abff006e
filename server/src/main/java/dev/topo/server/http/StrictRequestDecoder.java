package dev.topo.server.http;

import dev.topo.config.LimitsConfig;
import dev.topo.server.http.ResponseEncoder.Status;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.socket.ChannelInputShutdownEvent;
import io.netty.handler.codec.DecoderResult;
import io.netty.handler.codec.http.DefaultHttpHeadersFactory;
import io.netty.handler.codec.http.HttpDecoderConfig;
import io.netty.handler.codec.http.HttpMessage;
import io.netty.handler.codec.http.HttpObject;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpRequestDecoder;
import io.netty.handler.codec.http.LastHttpContent;
import java.util.List;

/**
 * Netty's request decoder with every strict option set here rather than inherited from defaults (which system
 * properties can turn off), plus a scan of each request head for what the decoder lets through or only notices late,
 * and a pause that {@link RequestFlow} uses to stop decoding pipelined requests the connection may not take yet.
 *
 * <p>The head scan rejects at once, with 400: a bare CR (Netty waits for an LF that never comes), bare LF, control
 * characters in the request line (Netty accepts them in the target), a request line that does not start with a
 * method (Netty skips leading control characters and whitespace, so a TLS ClientHello would sit there until the
 * request timeout), obsolete line folding, and a stream of empty lines before the request line.
 */
final class StrictRequestDecoder extends HttpRequestDecoder {
    /** RFC 9112 §2.2: a server SHOULD ignore at least one empty line before the request line; a few, not a stream. */
    private static final int MAX_EMPTY_LINES = 4;

    private enum Head { BEFORE_REQUEST, CR_EMPTY_LINE, REQUEST_LINE, CR_LINE, FIELD_START, FIELD, CR_END, DONE }

    private ChannelHandlerContext ctx;
    private Head head = Head.BEFORE_REQUEST;
    /** Bytes from the reader index on that the head scan has already looked at. */
    private int scanned;
    /** Bytes of the current head seen so far, empty lines included: non-zero once a request has begun to arrive. */
    private long headBytes;
    private int emptyLines;
    /** A request head was decoded and its last content was not yet. */
    private boolean inMessage;
    /** A request was refused: everything after it is thrown away. */
    private boolean rejected;
    private boolean paused;
    private boolean inRead;
    private boolean kickAfterRead;
    private boolean inputShutdownDeferred;
    private boolean inputClosing;

    StrictRequestDecoder(LimitsConfig limits) {
        super(config(limits.maxInitialLineLength().toInt(), limits.maxHeaderSize().toInt()));
    }

    /** Every strict option of Netty's decoder, set explicitly. */
    static HttpDecoderConfig config(int maxInitialLineLength, int maxHeaderSize) {
        return new HttpDecoderConfig()
                // 414 beyond the request line limit; chunk-size lines (RFC 9112 §7.1) share this bound, and a longer
                // one fails the request with 400 instead of being buffered.
                .setMaxInitialLineLength(maxInitialLineLength)
                // 431 beyond the header section limit; trailer sections (RFC 9112 §7.1.2) share it.
                .setMaxHeaderSize(maxHeaderSize)
                .setChunkedSupported(true)
                // RFC 9112 §2.2: a line ends with CRLF; a bare LF is refused, not taken as a line end.
                .setStrictLineParsing(true)
                // RFC 9112 §6.3 (5): several or list-valued Content-Length fields are an unrecoverable error (400).
                .setAllowDuplicateContentLengths(false)
                // RFC 9112 §6.1 and §6.3 (3, 4): Transfer-Encoding with Content-Length, a final coding other than
                // chunked, chunked applied twice, or Transfer-Encoding in HTTP/1.0: 400 and close.
                .setUseRfc9112TransferEncoding(true)
                // RFC 9110 §5.1 and §5.5, RFC 9112 §5.1: field names are tokens (so "Transfer-Encoding : chunked",
                // whitespace before the colon, is refused) and field values hold no CR, LF or NUL.
                .setHeadersFactory(DefaultHttpHeadersFactory.headersFactory().withValidation(true))
                .setTrailersFactory(DefaultHttpHeadersFactory.trailersFactory().withValidation(true));
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) throws Exception {
        this.ctx = ctx;
        super.handlerAdded(ctx);
    }

    /** True while a request has begun to arrive and its head is not complete. */
    boolean headInProgress() {
        return !inMessage && !rejected && headBytes > 0;
    }

    /** Stops decoding at the next message boundary; undecoded bytes stay buffered (one read at most). */
    void pause() {
        paused = true;
    }

    /** Decodes what was held back, and passes on an input shutdown that arrived meanwhile. */
    void resume() {
        if (!paused) {
            return;
        }
        paused = false;
        if (inRead) {
            kickAfterRead = true;
            return;
        }
        kick();
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) throws Exception {
        inRead = true;
        try {
            super.channelRead(ctx, msg);
        } finally {
            inRead = false;
        }
        if (kickAfterRead && !paused) {
            kickAfterRead = false;
            kick();
        }
    }

    private void kick() {
        if (ctx == null || ctx.isRemoved()) {
            return;
        }
        try {
            ByteBuf buffered = internalBuffer();
            if (buffered.isReadable()) {
                channelRead(ctx, Unpooled.EMPTY_BUFFER);
                channelReadComplete(ctx);
            }
            if (inputShutdownDeferred && !paused) {
                inputShutdownDeferred = false;
                userEventTriggered(ctx, ChannelInputShutdownEvent.INSTANCE);
            }
        } catch (Exception e) {
            ctx.fireExceptionCaught(e);
        }
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) throws Exception {
        if (evt instanceof ChannelInputShutdownEvent) {
            if (paused) {
                // Decoding it now would drop the complete requests still buffered: wait until they are taken.
                inputShutdownDeferred = true;
                return;
            }
            // The client sent its last byte: decode all of it, whatever the pipelining limit, then say so.
            inputClosing = true;
        }
        super.userEventTriggered(ctx, evt);
    }

    @Override
    protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) throws Exception {
        if (rejected) {
            in.skipBytes(in.readableBytes());
            return;
        }
        if (paused && !inputClosing) {
            return;
        }
        if (!inMessage && head != Head.DONE) {
            String problem = scanHead(in);
            if (problem != null) {
                reject(in, out, problem);
                return;
            }
        }
        int before = in.readerIndex();
        int decoded = out.size();
        super.decode(ctx, in, out);
        scanned = Math.max(0, scanned - (in.readerIndex() - before));
        for (int i = decoded; i < out.size(); i++) {
            HttpObject msg = (HttpObject) out.get(i);
            track(msg);
            if (msg instanceof HttpRequest request) {
                applyRules(request);
            }
        }
    }

    /**
     * The rules Netty's decoder does not check ({@link RequestValidator}), on a head it decoded: a refused one gets
     * the reason as its decoder result, for the HTTP handler to answer. Decoding goes on as for any valid head.
     */
    private static void applyRules(HttpRequest request) {
        if (request.decoderResult().isSuccess()) {
            RejectedRequest problem = RequestValidator.check(request);
            if (problem != null) {
                request.setDecoderResult(DecoderResult.failure(problem));
            }
        }
    }

    private void track(HttpObject msg) {
        if (msg.decoderResult().isFailure()) {
            rejected = true;
        }
        if (msg instanceof HttpRequest) {
            inMessage = true;
        }
        if (msg instanceof LastHttpContent) {
            inMessage = false;
            head = Head.BEFORE_REQUEST;
            scanned = 0;
            headBytes = 0;
            emptyLines = 0;
        }
    }

    private void reject(ByteBuf in, List<Object> out, String problem) {
        rejected = true;
        in.skipBytes(in.readableBytes());
        HttpMessage invalid = createInvalidMessage();
        invalid.setDecoderResult(DecoderResult.failure(new RejectedRequest(Status.BAD_REQUEST, problem)));
        out.add(invalid);
    }

    /** Scans the bytes of the head not yet scanned; returns why the head is refused, or null. */
    private String scanHead(ByteBuf in) {
        int end = in.writerIndex();
        int i = in.readerIndex() + scanned;
        for (; i < end && head != Head.DONE; i++) {
            headBytes++;
            String problem = step(in.getByte(i) & 0xff);
            if (problem != null) {
                return problem;
            }
        }
        scanned = i - in.readerIndex();
        return null;
    }

    private String step(int b) {
        switch (head) {
            case BEFORE_REQUEST -> {
                if (b == '\r') {
                    head = Head.CR_EMPTY_LINE;
                } else if (b == '\n') {
                    return bareLf();
                } else if (isTokenChar(b)) {
                    head = Head.REQUEST_LINE;
                } else {
                    // RFC 9112 §3: request-line = method SP request-target SP HTTP-version; a method is a token.
                    return "the request line does not start with a method (byte " + hex(b) + ")";
                }
            }
            case CR_EMPTY_LINE -> {
                if (b != '\n') {
                    return bareCr();
                }
                if (++emptyLines > MAX_EMPTY_LINES) {
                    return "more than " + MAX_EMPTY_LINES
                            + " empty lines before the request line (RFC 9112 section 2.2)";
                }
                head = Head.BEFORE_REQUEST;
            }
            case REQUEST_LINE -> {
                if (b == '\r') {
                    head = Head.CR_LINE;
                } else if (b == '\n') {
                    return bareLf();
                } else if (b < 0x20 || b == 0x7f) {
                    // RFC 9112 §3: single spaces separate the request line's parts; RFC 3986 allows no controls.
                    return "control character " + hex(b) + " in the request line (RFC 9112 section 3)";
                }
            }
            case CR_LINE -> {
                if (b != '\n') {
                    return bareCr();
                }
                head = Head.FIELD_START;
            }
            case FIELD_START -> {
                if (b == '\r') {
                    head = Head.CR_END;
                } else if (b == ' ' || b == '\t') {
                    // RFC 9112 §5.2 (obs-fold) and §2.2 (whitespace before the first field): reject with 400.
                    return "a field line starts with whitespace (obsolete line folding, RFC 9112 section 5.2)";
                } else {
                    head = Head.FIELD;
                    return fieldByte(b);
                }
            }
            case FIELD -> {
                if (b == '\r') {
                    head = Head.CR_LINE;
                } else {
                    return fieldByte(b);
                }
            }
            case CR_END -> {
                if (b != '\n') {
                    return bareCr();
                }
                head = Head.DONE;
            }
            default -> throw new IllegalStateException("head already complete");
        }
        return null;
    }

    /** RFC 9110 §5.5: a field value is visible characters, SP and HTAB; CR, LF and NUL are refused with 400. */
    private static String fieldByte(int b) {
        if (b == '\n') {
            return bareLf();
        }
        if ((b < 0x20 && b != '\t') || b == 0x7f) {
            return "control character " + hex(b) + " in a header field (RFC 9110 section 5.5)";
        }
        return null;
    }

    /** RFC 9112 §2.2: a bare CR is invalid; this server rejects it rather than read it as a space. */
    private static String bareCr() {
        return "bare CR in the request head (RFC 9112 section 2.2)";
    }

    private static String bareLf() {
        return "bare LF in the request head: lines end with CRLF (RFC 9112 section 2.2)";
    }

    /** RFC 9110 §5.6.2: tchar. */
    private static boolean isTokenChar(int b) {
        return (b >= 'a' && b <= 'z') || (b >= 'A' && b <= 'Z') || (b >= '0' && b <= '9')
                || "!#$%&'*+-.^_`|~".indexOf(b) >= 0;
    }

    private static String hex(int b) {
        return String.format("0x%02x", b);
    }
}
