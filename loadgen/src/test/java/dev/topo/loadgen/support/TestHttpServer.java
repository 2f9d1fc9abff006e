package dev.topo.loadgen.support;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.util.AttributeKey;

import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A small HTTP/1.1 server on 127.0.0.1, port 0, built on Netty's own codec so it shares nothing with the client
 * under test. It counts connections and requests; a {@link Behavior} decides what each request gets.
 */
public final class TestHttpServer implements AutoCloseable {

    /** What to do with one request; {@code n} is the 1-based request number over the server. */
    public interface Behavior {
        void handle(TestHttpServer server, ChannelHandlerContext ctx, FullHttpRequest request, long n, int connection);
    }

    private static final AttributeKey<Integer> CONNECTION = AttributeKey.valueOf("test-connection");
    private static final AttributeKey<AtomicInteger> REQUESTS_ON_CONNECTION = AttributeKey.valueOf("test-requests");

    public final AtomicLong requests = new AtomicLong();
    public final AtomicLong responses = new AtomicLong();
    public final AtomicInteger connections = new AtomicInteger();
    /** Connections that carried exactly n requests, by n. */
    public final Map<Integer, AtomicInteger> requestsPerConnection = new ConcurrentHashMap<>();
    /** Responses sent per value of a header, "Header=value". */
    public final Map<String, AtomicLong> responsesByHeader = new ConcurrentHashMap<>();
    /** Connections per value of a header, "Header=value". */
    public final Map<String, AtomicLong> connectionsByHeader = new ConcurrentHashMap<>();

    /** Connections per client address. */
    public final Map<String, AtomicInteger> connectionsByClientAddress = new ConcurrentHashMap<>();

    private static final Behavior HELLO = (s, ctx, req, n, c) -> s.respond(ctx, req, HttpResponseStatus.OK, Map.of());

    private final MultiThreadIoEventLoopGroup group;
    private final Channel server;

    private TestHttpServer(Behavior behavior, int backlog, boolean accepting) {
        group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
        server = new ServerBootstrap()
                .group(group)
                .channel(NioServerSocketChannel.class)
                .option(ChannelOption.SO_BACKLOG, backlog)
                .option(ChannelOption.AUTO_READ, accepting)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        int id = connections.incrementAndGet();
                        connectionsByClientAddress.computeIfAbsent(ch.remoteAddress().getAddress().getHostAddress(),
                                k -> new AtomicInteger()).incrementAndGet();
                        ch.attr(CONNECTION).set(id);
                        AtomicInteger onThis = new AtomicInteger();
                        ch.attr(REQUESTS_ON_CONNECTION).set(onThis);
                        ch.closeFuture().addListener(f -> requestsPerConnection
                                .computeIfAbsent(onThis.get(), k -> new AtomicInteger()).incrementAndGet());
                        ch.pipeline().addLast(new HttpServerCodec(), new HttpObjectAggregator(1 << 20),
                                new SimpleChannelInboundHandler<FullHttpRequest>() {
                                    @Override
                                    protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest req) {
                                        long n = requests.incrementAndGet();
                                        onThis.incrementAndGet();
                                        behavior.handle(TestHttpServer.this, ctx, req.retain(), n, id);
                                    }

                                    @Override
                                    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
                                        // Resets are part of several tests (--close reset, pipelined closes).
                                        ctx.close();
                                    }
                                });
                    }
                })
                .bind(new InetSocketAddress("127.0.0.1", 0)).syncUninterruptibly().channel();
    }

    public static TestHttpServer start(Behavior behavior) {
        return new TestHttpServer(behavior, 1024, true);
    }

    /** Answers "Hello, World!" with status 200. */
    public static TestHttpServer hello() {
        return start(HELLO);
    }

    /**
     * Like {@link #hello()}, but accepts nothing until {@link #startAccepting()}. Meanwhile the kernel completes
     * {@code backlog} + 1 handshakes into the accept queue; once it is full, Linux drops further SYNs and the
     * client sends them again a second later.
     */
    public static TestHttpServer helloNotAccepting(int backlog) {
        return new TestHttpServer(HELLO, backlog, false);
    }

    public void startAccepting() {
        server.config().setAutoRead(true);
    }

    public int port() {
        return ((InetSocketAddress) server.localAddress()).getPort();
    }

    public String url() {
        return "http://127.0.0.1:" + port() + "/";
    }

    /** Sends a response, honouring the request's keep-alive, and counts it. Releases the request. */
    public void respond(ChannelHandlerContext ctx, FullHttpRequest req, HttpResponseStatus status,
                        Map<String, String> headers) {
        boolean keepAlive = HttpUtil.isKeepAlive(req);
        req.release();
        FullHttpResponse res = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status,
                Unpooled.copiedBuffer("Hello, World!", StandardCharsets.US_ASCII));
        res.headers().set(HttpHeaderNames.CONTENT_LENGTH, res.content().readableBytes());
        boolean firstOnConnection = ctx.channel().attr(REQUESTS_ON_CONNECTION).get().get() == 1;
        headers.forEach((k, v) -> {
            res.headers().set(k, v);
            responsesByHeader.computeIfAbsent(k + "=" + v, x -> new AtomicLong()).incrementAndGet();
            if (firstOnConnection) {
                connectionsByHeader.computeIfAbsent(k + "=" + v, x -> new AtomicLong()).incrementAndGet();
            }
        });
        if (!keepAlive) {
            res.headers().set(HttpHeaderNames.CONNECTION, "close");
        }
        responses.incrementAndGet();
        if (keepAlive) {
            ctx.writeAndFlush(res);
        } else {
            ctx.writeAndFlush(res).addListener(ChannelFutureListener.CLOSE);
        }
    }

    /** Closes the connection with an RST instead of answering. */
    public static void reset(ChannelHandlerContext ctx, FullHttpRequest req) {
        req.release();
        ctx.channel().config().setOption(ChannelOption.SO_LINGER, 0);
        ctx.close();
    }

    public void respondLater(ChannelHandlerContext ctx, FullHttpRequest req, long millis) {
        ctx.executor().schedule(() -> respond(ctx, req, HttpResponseStatus.OK, Map.of()), millis,
                TimeUnit.MILLISECONDS);
    }

    public long requestsPerConnection(int n) {
        AtomicInteger c = requestsPerConnection.get(n);
        return c == null ? 0 : c.get();
    }

    @Override
    public void close() {
        server.close().syncUninterruptibly();
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    }
}
