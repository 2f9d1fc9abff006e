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
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioServerSocketChannel;
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
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * The admin endpoint, on its own port and its own thread so that scrapes never queue behind the traffic under test:
 * {@code /metrics} (Prometheus text), {@code /topology} (JSON), {@code /readyz} (503 from the moment a graceful stop
 * begins, so load balancers stop sending work before the listeners close; {@code /healthz} says the same),
 * {@code /livez} (200 while the process runs, draining included), {@code POST /reload} (a live switch to the
 * configuration file as it is now; answers when done). The two documents are built on a thread of their
 * own (a multi-process master asks its workers for theirs), so the probes never wait behind a scrape.
 */
public final class AdminServer {
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private final EventLoopGroup group;
    private final ExecutorService documents;
    private final Channel channel;

    private AdminServer(EventLoopGroup group, ExecutorService documents, Channel channel) {
        this.group = group;
        this.documents = documents;
        this.channel = channel;
    }

    /** NIO on purpose: the admin port must answer whatever transport the topology under test runs on. */
    public static AdminServer start(String host, int port, AdminEndpoints endpoints) throws InterruptedException {
        EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, new DefaultThreadFactory("topo-admin"),
                NioIoHandler.newFactory());
        ExecutorService documents = Executors.newFixedThreadPool(2, new DefaultThreadFactory("topo-admin-documents",
                true));
        AdminHandler handler = new AdminHandler(endpoints, documents);
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
            documents.shutdownNow();
            throw new java.io.UncheckedIOException(new java.io.IOException("cannot listen on admin " + host + ":"
                    + port + ": " + f.cause().getMessage(), f.cause()));
        }
        return new AdminServer(group, documents, f.channel());
    }

    public InetSocketAddress address() {
        return (InetSocketAddress) channel.localAddress();
    }

    public void stop() throws InterruptedException {
        channel.close().await();
        group.shutdownGracefully(0, 2, TimeUnit.SECONDS).await(5, TimeUnit.SECONDS);
        documents.shutdownNow();
    }

    @Sharable
    private static final class AdminHandler extends SimpleChannelInboundHandler<FullHttpRequest> {
        private final AdminEndpoints endpoints;
        private final ExecutorService documents;

        AdminHandler(AdminEndpoints endpoints, ExecutorService documents) {
            this.endpoints = endpoints;
            this.documents = documents;
        }

        @Override
        protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest req) {
            String path = new QueryStringDecoder(req.uri()).path();
            if (path.equals("/reload")) {
                reload(ctx, req);
                return;
            }
            if (req.method() != HttpMethod.GET && req.method() != HttpMethod.HEAD) {
                send(ctx, req, HttpResponseStatus.METHOD_NOT_ALLOWED, "text/plain", "method not allowed\n");
                return;
            }
            switch (path) {
                case "/metrics" -> later(ctx, req, "text/plain; version=0.0.4; charset=utf-8", endpoints::metrics);
                case "/topology" -> later(ctx, req, "application/json", () -> json(endpoints.topology()));
                case "/readyz", "/healthz" -> {
                    boolean up = endpoints.ready();
                    send(ctx, req, up ? HttpResponseStatus.OK : HttpResponseStatus.SERVICE_UNAVAILABLE, "text/plain",
                            up ? "ok\n" : "draining\n");
                }
                case "/livez" -> send(ctx, req, HttpResponseStatus.OK, "text/plain", "ok\n");
                default -> send(ctx, req, HttpResponseStatus.NOT_FOUND, "text/plain",
                        "not found; try /metrics, /topology, /readyz, /livez, POST /reload\n");
            }
        }

        /**
         * {@code POST /reload}: the switch runs on the server's reload thread and takes as long as the new generation
         * needs to start (seconds, for worker processes); the answer is written when it is done.
         */
        private void reload(ChannelHandlerContext ctx, FullHttpRequest req) {
            if (req.method() != HttpMethod.POST) {
                send(ctx, req, HttpResponseStatus.METHOD_NOT_ALLOWED, "text/plain", "POST /reload\n");
                return;
            }
            CompletableFuture<Map<String, Object>> result = endpoints.reload();
            if (result == null) {
                send(ctx, req, HttpResponseStatus.NOT_FOUND, "text/plain", "this process does not reload\n");
                return;
            }
            FullHttpRequest held = req.retainedDuplicate();
            result.whenComplete((doc, e) -> ctx.executor().execute(() -> {
                try {
                    if (e != null) {
                        send(ctx, held, HttpResponseStatus.INTERNAL_SERVER_ERROR, "text/plain", e + "\n");
                    } else {
                        Map<String, Object> body = new java.util.LinkedHashMap<>(doc);
                        int status = (Integer) body.remove("status");
                        send(ctx, held, HttpResponseStatus.valueOf(status), "application/json", json(body));
                    }
                } finally {
                    held.release();
                }
            }));
        }

        /** Builds the body off the admin loop and answers on it; the request lives until then. */
        private void later(ChannelHandlerContext ctx, FullHttpRequest req, String type, Supplier<String> body) {
            FullHttpRequest held = req.retainedDuplicate();
            CompletableFuture.supplyAsync(body, documents).whenComplete((text, e) -> ctx.executor().execute(() -> {
                try {
                    if (e != null) {
                        send(ctx, held, HttpResponseStatus.INTERNAL_SERVER_ERROR, "text/plain", e + "\n");
                    } else {
                        send(ctx, held, HttpResponseStatus.OK, type, text);
                    }
                } finally {
                    held.release();
                }
            }));
        }

        private static String json(Map<String, Object> doc) {
            try {
                return JSON.writeValueAsString(doc) + "\n";
            } catch (JsonProcessingException e) {
                throw new IllegalStateException("cannot render /topology", e);
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
