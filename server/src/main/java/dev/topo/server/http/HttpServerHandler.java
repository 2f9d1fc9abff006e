package dev.topo.server.http;

import dev.topo.server.http.ResponseEncoder.Status;
import dev.topo.server.metrics.LoopStats;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.DecoderResult;
import io.netty.handler.codec.TooLongFrameException;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.handler.codec.http.TooLongHttpHeaderException;
import io.netty.handler.codec.http.TooLongHttpLineException;
import io.netty.util.ReferenceCountUtil;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Topo's HTTP/1.1 routes. Requests are answered in arrival order on the connection's own thread, so pipelined
 * responses keep request order; responses are written as they are ready and flushed once per read batch. Every
 * response is reported to {@link RequestFlow}, and a response that ends the connection closes it through
 * {@link LingeringClose}.
 *
 * <pre>
 * GET  /        Hello, World!
 * POST /echo    the request body back
 * GET  /work    ?cpu=200us&amp;sleep=10ms&amp;bytes=1024
 * GET  /healthz ok
 * </pre>
 */
final class HttpServerHandler extends ChannelInboundHandlerAdapter {
    private static final Logger log = LoggerFactory.getLogger(HttpServerHandler.class);
    private static final byte[] HELLO = ResponseEncoder.ascii("Hello, World!");
    private static final byte[] OK = ResponseEncoder.ascii("ok\n");
    private static final byte[] ALLOW_GET = ResponseEncoder.ascii("Allow: GET, HEAD\r\n");
    private static final byte[] ALLOW_POST = ResponseEncoder.ascii("Allow: POST\r\n");
    private static final String REQUEST_TIMEOUT = "request headers and body took longer than limits.requestTimeout";

    private enum Route { HELLO, ECHO, WORK, HEALTH, NOT_FOUND, GET_ONLY, POST_ONLY }

    private final HttpSettings settings;
    private final LoopStats loop;
    private final ResponseEncoder encoder;
    private final RequestFlow flow;
    private final LingeringClose linger;
    private final EchoResponse echo;

    private HttpRequest request;
    private Route route;
    private boolean keepAlive;
    /** A request of this connection is counted as in progress on its loop. */
    private boolean inProgress;
    private long startNanos;
    private long bodyBytes;
    /** A response that ends the connection was written: whatever else the client pipelined is ignored. */
    private boolean closing;
    private boolean draining;

    /**
     * @param encoder encodes responses with this connection's {@code X-Topo-*} identity headers
     * @param flow    told of every response written
     * @param linger  closes the connection after a response that ends it
     */
    HttpServerHandler(HttpSettings settings, LoopStats loop, ResponseEncoder encoder, RequestFlow flow,
            LingeringClose linger) {
        this.settings = settings;
        this.loop = loop;
        this.encoder = encoder;
        this.flow = flow;
        this.linger = linger;
        this.echo = new EchoResponse(encoder, settings.maxBodyBytes);
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        try {
            if (closing) {
                return;
            }
            if (msg instanceof HttpRequest req) {
                onRequest(ctx, req);
            }
            if (msg instanceof HttpContent content && request != null) {
                onContent(ctx, content);
            }
        } finally {
            ReferenceCountUtil.release(msg);
        }
    }

    private void onRequest(ChannelHandlerContext ctx, HttpRequest req) {
        DecoderResult result = req.decoderResult();
        if (result.isFailure()) {
            rejectMalformed(ctx, result.cause(), false);
            return;
        }
        startNanos = System.nanoTime();
        request = req;
        if (!inProgress) {
            inProgress = true;
            loop.requestStarted();
        }
        route = route(req.method(), req.uri());
        keepAlive = HttpUtil.isKeepAlive(req);
        bodyBytes = 0;
        long declared = HttpUtil.getContentLength(req, -1L);
        if (declared > settings.maxBodyBytes) {
            fail(ctx, Status.PAYLOAD_TOO_LARGE, "request body of " + declared + " bytes exceeds limits.maxBodySize ("
                    + settings.limits.maxBodySize() + ")");
            return;
        }
        String expect = req.headers().get(HttpHeaderNames.EXPECT);
        if (expect != null) {
            if (HttpHeaderValues.CONTINUE.contentEqualsIgnoreCase(expect)) {
                ctx.writeAndFlush(Unpooled.wrappedBuffer(ResponseEncoder.CONTINUE));
            } else {
                fail(ctx, Status.EXPECTATION_FAILED, "unsupported Expect: " + expect);
                return;
            }
        }
        if (route == Route.ECHO) {
            echo.begin(ctx, req, declared, connectionHeader());
        }
    }

    private void onContent(ChannelHandlerContext ctx, HttpContent content) {
        if (content.decoderResult().isFailure()) {
            rejectMalformed(ctx, content.decoderResult().cause(), true);
            return;
        }
        ByteBuf data = content.content();
        bodyBytes += data.readableBytes();
        if (bodyBytes > settings.maxBodyBytes) {
            fail(ctx, Status.PAYLOAD_TOO_LARGE, "request body exceeds limits.maxBodySize ("
                    + settings.limits.maxBodySize() + ")");
            return;
        }
        boolean last = content instanceof LastHttpContent;
        if (route == Route.ECHO) {
            if (echo.content(ctx, data, last)) {
                byte[] connection = echo.connection();
                if (connection == ResponseEncoder.closeHeader()) {
                    closing = true;
                    linger.closeAfter(ctx.writeAndFlush(Unpooled.EMPTY_BUFFER));
                }
                served();
            }
            return;
        }
        if (last) {
            respond(ctx);
        }
    }

    private void respond(ChannelHandlerContext ctx) {
        boolean head = request.method() == HttpMethod.HEAD;
        byte[] connection = connectionHeader();
        ByteBuf out;
        ByteBuf payload = null;
        switch (route) {
            case HELLO -> out = encoder.encode(ctx.alloc(), Status.OK, ResponseEncoder.TEXT_PLAIN, null, HELLO.length,
                    connection, HELLO, head);
            case HEALTH -> out = encoder.encode(ctx.alloc(), Status.OK, ResponseEncoder.TEXT_PLAIN, null, OK.length,
                    connection, OK, head);
            case WORK -> {
                WorkRequest work;
                try {
                    work = WorkRequest.parse(request.uri(), settings.work);
                } catch (WorkRequest.BadWork e) {
                    // The request itself was well-formed, so the connection stays usable.
                    out = text(ctx, Status.BAD_REQUEST, null, e.getMessage() + "\n", connection, head);
                    break;
                }
                work.perform();
                out = encoder.encode(ctx.alloc(), Status.OK, ResponseEncoder.OCTET_STREAM, null, work.bytes(),
                        connection, null, false);
                if (!head && work.bytes() > 0) {
                    payload = settings.filler.slice(0, work.bytes());
                }
            }
            case GET_ONLY -> out = text(ctx, Status.METHOD_NOT_ALLOWED, ALLOW_GET, "method not allowed\n", connection,
                    head);
            case POST_ONLY -> out = text(ctx, Status.METHOD_NOT_ALLOWED, ALLOW_POST, "method not allowed\n",
                    connection, head);
            default -> out = text(ctx, Status.NOT_FOUND, null, "not found: " + path(request.uri()) + "\n",
                    connection, head);
        }
        boolean close = connection != null && connection != ResponseEncoder.keepAliveHeader();
        // The client said close and its request was read to the end: no input is left for a reset to destroy the
        // response with, so the connection closes at once, as nginx's does, rather than lingering (a shutdown, a
        // timer, a wake-up and a read fewer per connection). The server's own reasons to close still linger.
        send(ctx, out, payload, close, close && (keepAlive || draining));
        served();
    }

    /** The response to {@code request} is written (or under way, and will end the connection). */
    private void served() {
        flow.responded();
        loop.requestServed(System.nanoTime() - startNanos);
        request = null;
        ended();
    }

    /** The request in progress is over, answered or not: a dynamic pool's "busy" counts these. */
    private void ended() {
        if (inProgress) {
            inProgress = false;
            loop.requestEnded();
        }
    }

    /** {@code Connection: close} when this response ends the connection; {@code keep-alive} for HTTP/1.0 clients. */
    private byte[] connectionHeader() {
        if (!keepAlive || draining) {
            return ResponseEncoder.closeHeader();
        }
        return request.protocolVersion() == HttpVersion.HTTP_1_0 ? ResponseEncoder.keepAliveHeader() : null;
    }

    private void send(ChannelHandlerContext ctx, ByteBuf head, ByteBuf payload, boolean close) {
        send(ctx, head, payload, close, true);
    }

    /** {@code staged}: close by {@link LingeringClose}'s staged close; else at once once written. */
    private void send(ChannelHandlerContext ctx, ByteBuf head, ByteBuf payload, boolean close, boolean staged) {
        if (payload != null) {
            ctx.write(head);
        }
        ByteBuf last = payload != null ? payload : head;
        if (close) {
            closing = true;
            linger.closeAfter(ctx.writeAndFlush(last), staged);
        } else {
            ctx.write(last);
        }
    }

    private ByteBuf text(ChannelHandlerContext ctx, Status status, byte[] extra, String message, byte[] connection,
            boolean head) {
        byte[] bytes = message.getBytes(StandardCharsets.UTF_8);
        return encoder.encode(ctx.alloc(), status, ResponseEncoder.TEXT_PLAIN, extra, bytes.length, connection, bytes,
                head);
    }

    /**
     * Answers with {@code status}, then closes: after a bad or oversized request the stream cannot be trusted. When
     * an echo is already under way there is no answering any more: the connection is cut.
     */
    private void fail(ChannelHandlerContext ctx, Status status, String message) {
        releaseBody();
        if (request != null && route == Route.ECHO && echo.started()) {
            closing = true;
            ctx.close();
            return;
        }
        boolean head = request != null && request.method() == HttpMethod.HEAD;
        ByteBuf out = text(ctx, status, null, message + "\n", ResponseEncoder.closeHeader(), head);
        send(ctx, out, null, true);
        if (request != null) {
            served();
        } else {
            flow.responded();
        }
    }

    /** The request did not arrive whole within limits.requestTimeout. */
    private void timedOut(ChannelHandlerContext ctx) {
        if (!closing) {
            fail(ctx, Status.REQUEST_TIMEOUT, REQUEST_TIMEOUT);
        }
    }

    /** @param inBody the failure came with the body (a chunk or the trailers), not with the request head */
    private void rejectMalformed(ChannelHandlerContext ctx, Throwable cause, boolean inBody) {
        if (!inBody) {
            request = null;
        }
        if (cause instanceof RejectedRequest rejected) {
            fail(ctx, rejected.status(), rejected.getMessage());
        } else if (inBody && cause instanceof TooLongHttpLineException) {
            // A chunk-size line (RFC 9112 §7.1) longer than the line limit: the framing is broken, not the URI.
            fail(ctx, Status.BAD_REQUEST, "chunk-size line exceeds limits.maxInitialLineLength ("
                    + settings.limits.maxInitialLineLength() + ")");
        } else if (cause instanceof TooLongHttpLineException) {
            fail(ctx, Status.URI_TOO_LONG, "request line exceeds limits.maxInitialLineLength ("
                    + settings.limits.maxInitialLineLength() + ")");
        } else if (cause instanceof TooLongHttpHeaderException) {
            fail(ctx, Status.HEADERS_TOO_LARGE, "request headers exceed limits.maxHeaderSize ("
                    + settings.limits.maxHeaderSize() + ")");
        } else if (cause instanceof TooLongFrameException) {
            fail(ctx, Status.PAYLOAD_TOO_LARGE, "request too large");
        } else {
            fail(ctx, Status.BAD_REQUEST, "malformed request: " + cause.getMessage());
        }
    }

    private static Route route(HttpMethod method, String uri) {
        String path = path(uri);
        boolean get = method == HttpMethod.GET || method == HttpMethod.HEAD;
        return switch (path) {
            case "/" -> get ? Route.HELLO : Route.GET_ONLY;
            case "/work" -> get ? Route.WORK : Route.GET_ONLY;
            case "/healthz" -> get ? Route.HEALTH : Route.GET_ONLY;
            case "/echo" -> method == HttpMethod.POST ? Route.ECHO : Route.POST_ONLY;
            default -> Route.NOT_FOUND;
        };
    }

    private static String path(String uri) {
        int q = uri.indexOf('?');
        return q < 0 ? uri : uri.substring(0, q);
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        ctx.flush();
        ctx.fireChannelReadComplete();
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
        if (evt == RequestTimeoutEvent.INSTANCE) {
            timedOut(ctx);
            return;
        }
        if (evt == DrainEvent.INSTANCE) {
            // Closing an idle keep-alive connection races with a request the client may be sending on it right now:
            // instead the next response says Connection: close and ends it, and the drain timeout closes the rest.
            draining = true;
            return;
        }
        ctx.fireUserEventTriggered(evt);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        releaseBody();
        ended();
        ctx.fireChannelInactive();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        if (cause instanceof IOException) {
            log.debug("connection {} failed", ctx.channel(), cause);
        } else {
            log.warn("request on {} failed", ctx.channel(), cause);
        }
        ctx.close();
    }

    private void releaseBody() {
        echo.release();
    }
}
