package dev.topo.loadgen.engine;

import dev.topo.loadgen.support.TestHttpServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.net.ServerSocket;
import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

@Timeout(30)
class ErrorClassificationTest {

    private static Summary run(String url, Duration timeout) throws Exception {
        return LoadEngine.run(LoadSpec.builder(Target.parse(url)).connections(2).duration(Duration.ofMillis(800))
                .timeout(timeout).build()).summary();
    }

    private static long errors(Summary s, ErrorKind kind) {
        return s.errors().get(kind.label());
    }

    @Test
    void closedPortIsRefused() throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        Summary s = run("http://127.0.0.1:" + port + "/", Duration.ofSeconds(2));
        assertTrue(errors(s, ErrorKind.REFUSED) > 0, s.errors().toString());
        assertEquals(errors(s, ErrorKind.REFUSED), s.errorsTotal());
        assertEquals(0, s.connectionsOpened());
        assertEquals(1.0, s.errorRate());
    }

    @Test
    void resettingServerIsReset() throws Exception {
        try (TestHttpServer server = TestHttpServer.start((srv, ctx, req, n, c) -> TestHttpServer.reset(ctx, req))) {
            Summary s = run(server.url(), Duration.ofSeconds(2));
            assertTrue(errors(s, ErrorKind.RESET) > 0, s.errors().toString());
            assertEquals(errors(s, ErrorKind.RESET), s.errorsTotal(), s.errors().toString());
            assertEquals(0, s.requests());
        }
    }

    @Test
    void silentServerTimesOut() throws Exception {
        try (TestHttpServer server = TestHttpServer.start((srv, ctx, req, n, c) -> req.release())) {
            Summary s = run(server.url(), Duration.ofMillis(200));
            assertTrue(errors(s, ErrorKind.TIMEOUT) >= 2, s.errors().toString());
            assertEquals(errors(s, ErrorKind.TIMEOUT), s.errorsTotal(), s.errors().toString());
            assertEquals(0, s.requests());
        }
    }

    @Test
    void connectToAFullAcceptQueueTimesOut() throws Exception {
        // Nobody accepts and the queue holds two connections: the kernel drops further SYNs, so those connects hang.
        try (ServerSocket full = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            Summary s = LoadEngine.run(LoadSpec.builder(Target.parse("http://127.0.0.1:" + full.getLocalPort() + "/"))
                    .connections(6).duration(Duration.ofMillis(1200)).timeout(Duration.ofMillis(300)).build())
                    .summary();
            // At most the two queued connections complete; every other connect must time out on its own.
            assertTrue(s.connectionsOpened() <= 3, "opened " + s.connectionsOpened());
            assertTrue(errors(s, ErrorKind.TIMEOUT) >= 6, s.errors().toString());
            assertEquals(errors(s, ErrorKind.TIMEOUT), s.errorsTotal(), s.errors().toString());
            assertEquals(0, s.requests());
        }
    }

    @Test
    void errnoMessagesOfTheNativeTransportAreClassified() {
        assertEquals(ErrorKind.PORT_EXHAUSTION, Errors.classify(
                new java.net.ConnectException("connect(..) failed: Cannot assign requested address")));
        assertEquals(ErrorKind.REFUSED, Errors.classify(
                new java.net.ConnectException("finishConnect(..) failed: Connection refused")));
        assertEquals(ErrorKind.RESET, Errors.classify(
                new java.io.IOException("recvAddress(..) failed: Connection reset by peer")));
        assertEquals(ErrorKind.OTHER, Errors.classify(new java.io.IOException("something else")));
    }

    @Test
    void errorStatusIsBadStatus() throws Exception {
        try (TestHttpServer server = TestHttpServer.start((srv, ctx, req, n, c) -> srv.respond(ctx, req,
                n % 2 == 0 ? io.netty.handler.codec.http.HttpResponseStatus.INTERNAL_SERVER_ERROR
                        : io.netty.handler.codec.http.HttpResponseStatus.OK, java.util.Map.of()))) {
            Summary s = run(server.url(), Duration.ofSeconds(2));
            assertEquals(s.statusClasses().get("5xx"), errors(s, ErrorKind.BAD_STATUS));
            assertTrue(Math.abs(s.errorRate() - 0.5) < 0.01, "error rate " + s.errorRate());
        }
    }

    @Test
    void notHttpIsAProtocolError() throws Exception {
        try (ServerSocket ss = new ServerSocket(0, 50, java.net.InetAddress.getLoopbackAddress())) {
            Thread t = new Thread(() -> {
                while (!ss.isClosed()) {
                    try (java.net.Socket socket = ss.accept()) {
                        socket.getOutputStream().write("SSH-2.0-OpenSSH_9.2\r\n".getBytes());
                        socket.getInputStream().read();
                    } catch (java.io.IOException e) {
                        return;
                    }
                }
            });
            t.setDaemon(true);
            t.start();
            Summary s = LoadEngine.run(LoadSpec.builder(Target.parse("http://127.0.0.1:" + ss.getLocalPort() + "/"))
                    .connections(1).duration(Duration.ofMillis(500)).build()).summary();
            assertTrue(errors(s, ErrorKind.PROTOCOL) > 0, s.errors().toString());
        }
    }
}
