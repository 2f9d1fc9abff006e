package dev.topo.server.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.topo.config.DataSize;
import dev.topo.config.LimitsConfig;
import dev.topo.config.WorkConfig;
import dev.topo.server.metrics.LoopStats;
import dev.topo.server.metrics.ServerMetrics;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The HTTP handler alone, on an {@link EmbeddedChannel}: exact bytes out for exact bytes in. */
@Timeout(10)
class HttpServerHandlerTest {
    private ServerMetrics metrics;
    private LoopStats loop;
    private EmbeddedChannel ch;

    @BeforeEach
    void setUp() {
        metrics = new ServerMetrics(100);
        loop = metrics.addLoop(metrics.addListener(3), "topo-worker-3-1");
        LimitsConfig limits = new LimitsConfig(null, Duration.ofSeconds(5), Duration.ofSeconds(5), null,
                DataSize.ofBytes(512), DataSize.ofBytes(16));
        HttpSettings settings = new HttpSettings(limits, new WorkConfig(null, null, DataSize.ofBytes(100)), metrics);
        ResponseEncoder encoder = new ResponseEncoder(3, loop.name());
        long fiveSeconds = Duration.ofSeconds(5).toNanos();
        TimeoutHandler timeouts = new TimeoutHandler(fiveSeconds, fiveSeconds, fiveSeconds);
        LingeringClose linger = new LingeringClose(fiveSeconds, timeouts, () -> { });
        StrictRequestDecoder decoder = new StrictRequestDecoder(limits);
        RequestFlow flow = new RequestFlow(decoder, timeouts, linger, 16, null);
        ch = new EmbeddedChannel(linger, timeouts, decoder, flow,
                new HttpServerHandler(settings, loop, encoder, flow, linger));
    }

    @AfterEach
    void tearDown() {
        ch.finishAndReleaseAll();
        metrics.close();
    }

    @Test
    void helloIsTheExactPreEncodedResponse() {
        String out = exchange("GET / HTTP/1.1\r\nHost: x\r\n\r\n");
        assertTrue(out.startsWith("HTTP/1.1 200 OK\r\nDate: "), out);
        assertTrue(out.contains("\r\nX-Topo-Listener: 3\r\nX-Topo-Loop: topo-worker-3-1\r\n"), out);
        assertTrue(out.endsWith("Content-Type: text/plain\r\nContent-Length: 13\r\n\r\nHello, World!"), out);
        assertEquals(1, loop.requests());
        assertTrue(ch.isOpen());
    }

    @Test
    void pipelinedRequestsAreAnsweredInOrderAndFlushedTogether() {
        ch.writeInbound(ascii("GET /work?bytes=1 HTTP/1.1\r\nHost: x\r\n\r\n"
                + "GET /work?bytes=2 HTTP/1.1\r\nHost: x\r\n\r\nGET /healthz HTTP/1.1\r\nHost: x\r\n\r\n"));
        String head1 = next();
        assertTrue(head1.startsWith("HTTP/1.1 200") && head1.contains("Content-Length: 1\r\n"), head1);
        assertEquals("x", next());
        String head2 = next();
        assertTrue(head2.contains("Content-Length: 2\r\n"), head2);
        assertEquals("xx", next());
        assertTrue(next().endsWith("Content-Length: 3\r\n\r\nok\n"));
        assertNull(next());
        assertEquals(3, loop.requests());
    }

    @Test
    void headGetsHeadersWithoutBody() {
        String out = exchange("HEAD / HTTP/1.1\r\nHost: x\r\n\r\n");
        assertTrue(out.endsWith("Content-Length: 13\r\n\r\n"), out);
    }

    @Test
    void bodyOverTheLimitIs413AndClose() {
        String out = exchange("POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 17\r\n\r\n");
        assertTrue(out.startsWith("HTTP/1.1 413 "), out);
        assertTrue(out.contains("Connection: close\r\n"), out);
        assertFalse(ch.isOpen());
    }

    @Test
    void expectContinueIsAnsweredBeforeTheBody() {
        ch.writeInbound(ascii("POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\nExpect: 100-continue\r\n\r\n"));
        assertEquals("HTTP/1.1 100 Continue\r\n\r\n", next());
        ch.writeInbound(ascii("abc"));
        String head = next();
        assertTrue(head.contains("Content-Length: 3\r\n"), head);
        assertEquals("abc", next());
    }

    @Test
    void oversizedHeadersAre431() {
        String out = exchange("GET / HTTP/1.1\r\nX: " + "y".repeat(600) + "\r\n\r\n");
        assertTrue(out.startsWith("HTTP/1.1 431 "), out);
        assertFalse(ch.isOpen());
    }

    @Test
    void badWorkParametersAre400WithTheReason() {
        String out = exchange("GET /work?bytes=1000 HTTP/1.1\r\nHost: x\r\n\r\n");
        assertTrue(out.startsWith("HTTP/1.1 400 "), out);
        assertTrue(out.contains("bytes: '1000' (expected: <= 100, the server's work.maxBytes)"), out);
        assertTrue(ch.isOpen(), "a well-formed request with bad parameters keeps the connection");
        String unknown = exchange("GET /work?naps=3 HTTP/1.1\r\nHost: x\r\n\r\n");
        assertTrue(unknown.contains("'naps': unknown parameter (expected: cpu, sleep, bytes)"), unknown);
    }

    @Test
    void drainLeavesAnIdleConnectionOpenAndClosesItAfterItsNextResponse() {
        assertTrue(exchange("GET / HTTP/1.1\r\nHost: t\r\n\r\n").startsWith("HTTP/1.1 200"));
        ch.pipeline().fireUserEventTriggered(DrainEvent.INSTANCE);
        ch.runPendingTasks();
        assertTrue(ch.isOpen(), "closing it could cut off a request the client is sending right now");
        String last = exchange("GET / HTTP/1.1\r\nHost: t\r\n\r\n");
        assertTrue(last.startsWith("HTTP/1.1 200"), last);
        assertTrue(last.toLowerCase(java.util.Locale.ROOT).contains("connection: close"), last);
        ch.runPendingTasks();
        assertFalse(ch.isOpen(), "closed after that response");
    }

    @Test
    void echoHandlerReturnsTheSameBytes() {
        EmbeddedChannel echo = new EmbeddedChannel(EchoHandler.INSTANCE);
        echo.writeInbound(ascii("ping"));
        ByteBuf out = echo.readOutbound();
        assertEquals("ping", out.toString(StandardCharsets.US_ASCII));
        out.release();
        assertNull(echo.readOutbound());
        echo.finishAndReleaseAll();
    }

    private String exchange(String request) {
        ch.writeInbound(ascii(request));
        StringBuilder all = new StringBuilder();
        for (String part = next(); part != null; part = next()) {
            all.append(part);
        }
        return all.toString();
    }

    private String next() {
        ByteBuf buf = ch.readOutbound();
        if (buf == null) {
            return null;
        }
        try {
            return buf.toString(StandardCharsets.US_ASCII);
        } finally {
            buf.release();
        }
    }

    private static ByteBuf ascii(String s) {
        return Unpooled.copiedBuffer(s, StandardCharsets.US_ASCII);
    }
}
