package dev.topo.server.metrics;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandler.Sharable;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/**
 * The admin endpoint, on its own port and its own thread so that scrapes never queue behind the traffic under test:
 * {@code /metrics} (Prometheus text), {@code /topology} (JSON), {@code /healthz} (503 while draining, so load
 * balancers stop sending work before the listeners close).
 */
public final class AdminServer {
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private final EventLoopGroup group;
    private final Channel channel;

    private AdminServer(EventLoopGroup group, Channel channel) {
        this.group = group;
        this.channel = channel;
    }

    /** NIO on purpose: the admin port must answer whatever transport the topology under test runs on. */
    public static AdminServer start(String host, int port, Supplier<String> metrics,
            Supplier<Map<String, Object>> topology, BooleanSupplier healthy) throws InterruptedException {
        EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, new DefaultThreadFactory("topo-admin"),
                NioIoHandler.newFactory());
        AdminHandler handler = new AdminHandler(metrics, topology, healthy);
        var f = new ServerBootstrap()
                .group(group)
                .channel(NioServerSocketChannel.class)
                .childHandler(new ChannelInitializer<>() {
                    @Override
                    protected void initChannel(Channel ch) {
                        ch.pipeline().addLast(new HttpServerCodec(), new HttpObjectAggregator(64 * 1024), handler);
                    }
                })
                .bind(host, port).await();
        if (!f.isSuccess()) {
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS);
            throw new java.io.UncheckedIOException(new java.io.IOException("cannot listen on admin " + host + ":"
                    + port + ": " + f.cause().getMessage(), f.cause()));
        }
        return new AdminServer(group, f.channel());
    }

    public InetSocketAddress address() {
        return (InetSocketAddress) channel.localAddress();
    }

    public void stop() throws InterruptedException {
        channel.close().await();
        group.shutdownGracefully(0, 2, TimeUnit.SECONDS).await(5, TimeUnit.SECONDS);
    }

    @Sharable
    private static final class AdminHandler extends SimpleChannelInboundHandler<FullHttpRequest> {
        private final Supplier<String> metrics;
        private final Supplier<Map<String, Object>> topology;
        private final BooleanSupplier healthy;

        AdminHandler(Supplier<String> metrics, Supplier<Map<String, Object>> topology, BooleanSupplier healthy) {
            this.metrics = metrics;
            this.topology = topology;
            this.healthy = healthy;
        }

        @Override
        protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest req) throws JsonProcessingException {
            if (req.method() != HttpMethod.GET && req.method() != HttpMethod.HEAD) {
                send(ctx, req, HttpResponseStatus.METHOD_NOT_ALLOWED, "text/plain", "method not allowed\n");
                return;
            }
            switch (new QueryStringDecoder(req.uri()).path()) {
                case "/metrics" -> send(ctx, req, HttpResponseStatus.OK, "text/plain; version=0.0.4; charset=utf-8",
                        metrics.get());
                case "/topology" -> send(ctx, req, HttpResponseStatus.OK, "application/json",
                        JSON.writeValueAsString(topology.get()) + "\n");
                case "/healthz" -> {
                    boolean up = healthy.getAsBoolean();
                    send(ctx, req, up ? HttpResponseStatus.OK : HttpResponseStatus.SERVICE_UNAVAILABLE, "text/plain",
                            up ? "ok\n" : "draining\n");
                }
                default -> send(ctx, req, HttpResponseStatus.NOT_FOUND, "text/plain",
                        "not found; try /metrics, /topology, /healthz\n");
            }
        }

        private static void send(ChannelHandlerContext ctx, FullHttpRequest req, HttpResponseStatus status,
                String type, String body) {
            byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
            FullHttpResponse res = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status,
                    req.method() == HttpMethod.HEAD ? Unpooled.EMPTY_BUFFER : Unpooled.wrappedBuffer(bytes));
            res.headers().set(HttpHeaderNames.CONTENT_TYPE, type).setInt(HttpHeaderNames.CONTENT_LENGTH, bytes.length);
            boolean keepAlive = HttpUtil.isKeepAlive(req);
            if (!keepAlive) {
                res.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
            }
            var f = ctx.writeAndFlush(res);
            if (!keepAlive) {
                f.addListener(ChannelFutureListener.CLOSE);
            }
        }
    }
}
