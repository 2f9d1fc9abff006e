package dev.topo.server.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.handler.codec.http.DefaultHttpHeadersFactory;
import io.netty.handler.codec.http.HttpDecoderConfig;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * RFC 9112/9110 rules, through the real pipeline ({@link ConnectionPipeline}): each refused request gets exactly one
 * response with its status and {@code Connection: close}, and the connection ends there. A valid request sent right behind
 * it in the same bytes is never answered, so nothing can be smuggled past a refused one.
 */
@Timeout(10)
class StrictParsingTest {
    private static final String FOLLOW_UP = "GET /smuggled HTTP/1.1\r\nHost: x\r\n\r\n";
    private static final String LIMITS =
            "limits: {maxInitialLineLength: 256, maxHeaderSize: 1KiB, maxBodySize: 1KiB}\n";

    static Stream<Arguments> refused() {
        return Stream.of(
                // RFC 9112 §2.2: line endings
                Arguments.of("bare CR line ends", "GET / HTTP/1.1\rHost: x\r\r", 400),
                Arguments.of("bare CR inside a field", "GET / HTTP/1.1\r\nHost: x\r\nX: a\rb\r\n\r\n", 400),
                Arguments.of("bare LF line ends", "GET / HTTP/1.1\nHost: x\n\n", 400),
                Arguments.of("bare LF after a field", "GET / HTTP/1.1\r\nHost: x\nX: y\r\n\r\n", 400),
                Arguments.of("too many empty lines first", "\r\n".repeat(10) + "GET / HTTP/1.1\r\nHost: x\r\n\r\n",
                        400),
                // RFC 9112 §3: the request line
                Arguments.of("NUL in the target", "GET /\0 HTTP/1.1\r\nHost: x\r\n\r\n", 400),
                Arguments.of("control character in the target", "GET /\u0001a HTTP/1.1\r\nHost: x\r\n\r\n", 400),
                Arguments.of("DEL in the target", "GET /\u007f HTTP/1.1\r\nHost: x\r\n\r\n", 400),
                Arguments.of("tab in the request line", "GET\t/ HTTP/1.1\r\nHost: x\r\n\r\n", 400),
                Arguments.of("space in the target", "GET /a b HTTP/1.1\r\nHost: x\r\n\r\n", 400),
                Arguments.of("leading space", " GET / HTTP/1.1\r\nHost: x\r\n\r\n", 400),
                Arguments.of("TLS ClientHello",
                        "\u0016\u0003\u0001\u0002\u0000\u0001\u0000\u0001\u00fc\u0003\u0003", 400),
                Arguments.of("not a method", "\u00c9T / HTTP/1.1\r\nHost: x\r\n\r\n", 400),
                Arguments.of("unknown protocol", "GET / FOO/1.1\r\nHost: x\r\n\r\n", 400),
                Arguments.of("HTTP/0.9 style", "GET /\r\n\r\n", 400),
                Arguments.of("relative target", "GET foo HTTP/1.1\r\nHost: x\r\n\r\n", 400),
                Arguments.of("asterisk for GET", "GET * HTTP/1.1\r\nHost: x\r\n\r\n", 400),
                // RFC 9110 §15.6.6, RFC 9112 §2.3: versions
                Arguments.of("HTTP/9.9", "GET / HTTP/9.9\r\nHost: x\r\n\r\n", 505),
                Arguments.of("HTTP/2 preface", "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n", 505),
                Arguments.of("HTTP/0.9 version", "GET / HTTP/0.9\r\nHost: x\r\n\r\n", 505),
                // RFC 9112 §3.2: Host
                Arguments.of("HTTP/1.1 without Host", "GET / HTTP/1.1\r\n\r\n", 400),
                Arguments.of("two Host fields", "GET / HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n", 400),
                Arguments.of("Host with a space", "GET / HTTP/1.1\r\nHost: a b\r\n\r\n", 400),
                Arguments.of("Host with a path", "GET / HTTP/1.1\r\nHost: a/b\r\n\r\n", 400),
                Arguments.of("Host with a bad port", "GET / HTTP/1.1\r\nHost: a:8o\r\n\r\n", 400),
                // RFC 9110 §5.1, §5.5, RFC 9112 §5: fields
                Arguments.of("space before the colon", "GET / HTTP/1.1\r\nHost : x\r\n\r\n", 400),
                Arguments.of("space in a field name", "GET / HTTP/1.1\r\nHost: x\r\nX Y: z\r\n\r\n", 400),
                Arguments.of("no colon", "GET / HTTP/1.1\r\nHost: x\r\nNoColon\r\n\r\n", 400),
                Arguments.of("empty field name", "GET / HTTP/1.1\r\nHost: x\r\n: z\r\n\r\n", 400),
                Arguments.of("NUL in a field name", "GET / HTTP/1.1\r\nHost: x\r\nA\0: z\r\n\r\n", 400),
                Arguments.of("NUL in a field value", "GET / HTTP/1.1\r\nHost: x\r\nA: z\0z\r\n\r\n", 400),
                Arguments.of("control in a field value", "GET / HTTP/1.1\r\nHost: x\r\nA: \u0007\r\n\r\n", 400),
                Arguments.of("vertical tab after chunked",
                        "POST /echo HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\u000b\r\n\r\n0\r\n\r\n", 400),
                Arguments.of("obsolete line folding", "GET / HTTP/1.1\r\nHost: x\r\nX: a\r\n b\r\n\r\n", 400),
                Arguments.of("whitespace before the first field", "GET / HTTP/1.1\r\n Host: x\r\n\r\n", 400),
                // RFC 9112 §6: message body length
                Arguments.of("Transfer-Encoding and Content-Length",
                        "POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n"
                                + "0\r\n\r\n", 400),
                Arguments.of("space before the colon of Transfer-Encoding",
                        "POST /echo HTTP/1.1\r\nHost: x\r\nTransfer-Encoding : chunked\r\n\r\n0\r\n\r\n", 400),
                Arguments.of("two equal Content-Lengths",
                        "POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\nContent-Length: 3\r\n\r\nabc", 400),
                Arguments.of("two different Content-Lengths",
                        "POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\nContent-Length: 4\r\n\r\nabcd", 400),
                Arguments.of("Content-Length list", "POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 3, 3\r\n\r\nabc",
                        400),
                Arguments.of("signed Content-Length", "POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: +3\r\n\r\nabc",
                        400),
                Arguments.of("hex Content-Length", "POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 0x3\r\n\r\nabc",
                        400),
                Arguments.of("negative Content-Length", "POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: -1\r\n\r\n",
                        400),
                Arguments.of("final coding not chunked",
                        "POST /echo HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: gzip\r\n\r\nabc", 400),
                Arguments.of("chunked not last",
                        "POST /echo HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked, gzip\r\n\r\n0\r\n\r\n", 400),
                Arguments.of("chunked twice", "POST /echo HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n"
                        + "Transfer-Encoding: chunked\r\n\r\n0\r\n\r\n", 400),
                Arguments.of("obfuscated coding",
                        "POST /echo HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: xchunked\r\n\r\n"
                        + "0\r\n\r\n", 400),
                Arguments.of("two Transfer-Encoding fields, one unknown", "POST /echo HTTP/1.1\r\nHost: x\r\n"
                        + "Transfer-Encoding: chunked\r\nTransfer-encoding: x\r\n\r\n0\r\n\r\n", 400),
                Arguments.of("Transfer-Encoding in HTTP/1.0",
                        "POST /echo HTTP/1.0\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n", 400),
                Arguments.of("unknown coding before chunked (RFC 9112 §6.1: 501)",
                        "POST /echo HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: gzip, chunked\r\n\r\n0\r\n\r\n", 501),
                // RFC 9112 §7.1: chunks
                Arguments.of("chunk-size line over the line limit", "POST /echo HTTP/1.1\r\nHost: x\r\n"
                        + "Transfer-Encoding: chunked\r\n\r\n3;" + "e".repeat(400) + "\r\nabc\r\n0\r\n\r\n", 400),
                Arguments.of("chunk size overflow",
                        "POST /echo HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n"
                        + "fffffffffffffffff\r\nabc\r\n0\r\n\r\n", 400),
                Arguments.of("negative chunk size",
                        "POST /echo HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n"
                        + "-3\r\nabc\r\n0\r\n\r\n", 400),
                Arguments.of("chunk without CRLF after its data", "POST /echo HTTP/1.1\r\nHost: x\r\n"
                        + "Transfer-Encoding: chunked\r\n\r\n3\r\nabcX0\r\n\r\n", 400),
                Arguments.of("chunk size line with bare LF", "POST /echo HTTP/1.1\r\nHost: x\r\n"
                        + "Transfer-Encoding: chunked\r\n\r\n3\nabc\r\n0\r\n\r\n", 400),
                // RFC 9110 §10.1.1
                Arguments.of("unknown expectation", "POST /echo HTTP/1.1\r\nHost: x\r\nExpect: magic\r\n"
                        + "Content-Length: 1\r\n\r\na", 417));
    }

    @ParameterizedTest(name = "{0} -> {2}")
    @MethodSource("refused")
    void refusedOnceThenClosedWithNothingSmuggled(String name, String raw, int status) {
        try (PipelineHarness h = new PipelineHarness(LIMITS)) {
            h.send(raw + FOLLOW_UP);
            assertEquals(List.of(status), h.statuses(), h.output());
            assertTrue(h.output().contains("\r\nConnection: close\r\n"), h.output());
            assertFalse(h.output().contains("/smuggled"), "the request behind it is never answered: " + h.output());
            assertFalse(h.isOpen(), "closed after the refusal");
        }
    }

    static Stream<Arguments> accepted() {
        return Stream.of(
                Arguments.of("two empty lines first", "\r\n\r\nGET / HTTP/1.1\r\nHost: x\r\n\r\n", 200),
                Arguments.of("HTTP/1.0 without Host", "GET / HTTP/1.0\r\nConnection: keep-alive\r\n\r\n", 200),
                Arguments.of("HTTP/1.2 served as 1.1", "GET / HTTP/1.2\r\nHost: x\r\n\r\n", 200),
                Arguments.of("empty Host", "GET / HTTP/1.1\r\nHost:\r\n\r\n", 200),
                Arguments.of("Host with port", "GET / HTTP/1.1\r\nHost: example.com:8080\r\n\r\n", 200),
                Arguments.of("IPv6 Host", "GET / HTTP/1.1\r\nHost: [::1]:80\r\n\r\n", 200),
                Arguments.of("tab around a value", "GET / HTTP/1.1\r\nHost:\tx\t\r\n\r\n", 200),
                Arguments.of("obs-text in a value", "GET / HTTP/1.1\r\nHost: x\r\nX: caf\u00e9\r\n\r\n", 200),
                Arguments.of("absolute-form target", "GET http://x/ HTTP/1.1\r\nHost: x\r\n\r\n", 404),
                Arguments.of("OPTIONS *", "OPTIONS * HTTP/1.1\r\nHost: x\r\n\r\n", 404),
                Arguments.of("chunk extension", "POST /echo HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n"
                        + "3;name=value\r\nabc\r\n0\r\n\r\n", 200),
                Arguments.of("trailer field", "POST /echo HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n"
                        + "3\r\nabc\r\n0\r\nX-Trailer: 1\r\n\r\n", 200),
                Arguments.of("Transfer-Encoding with tab",
                        "POST /echo HTTP/1.1\r\nHost: x\r\nTransfer-Encoding:\tchunked"
                        + "\r\n\r\n0\r\n\r\n", 200));
    }

    @ParameterizedTest(name = "{0} -> {2}")
    @MethodSource("accepted")
    void lenientWhereTheRfcAllowsIt(String name, String raw, int status) {
        try (PipelineHarness h = new PipelineHarness(LIMITS)) {
            h.send(raw);
            assertEquals(List.of(status), h.statuses(), h.output());
            assertTrue(h.isOpen(), "a valid request keeps the connection");
            h.send("GET / HTTP/1.1\r\nHost: x\r\n\r\n");
            assertEquals(List.of(status, 200), h.statuses(), "and the next request is served");
        }
    }

    @Test
    void theClassicDesyncIsOneRequestNotTwo() {
        // Behind a proxy that ignores "Transfer-Encoding : chunked", a server that also ignored it would read an
        // empty body and take the chunked body (a whole request) as the next request.
        try (PipelineHarness h = new PipelineHarness(LIMITS)) {
            h.send("POST /echo HTTP/1.1\r\nHost: x\r\nTransfer-Encoding : chunked\r\n\r\n"
                    + "2b\r\nGET /smuggled HTTP/1.1\r\nHost: x\r\nX: y\r\n\r\n0\r\n\r\n");
            assertEquals(List.of(400), h.statuses(), h.output());
            assertFalse(h.isOpen());
        }
    }

    @Test
    void aBareCrIsRefusedAtOnceNotAfterTheRequestTimeout() {
        try (PipelineHarness h = new PipelineHarness(LIMITS)) {
            String out = h.send("GET / HTTP/1.1\rHost: x\r");
            assertTrue(out.startsWith("HTTP/1.1 400 "), out);
            assertTrue(out.contains("bare CR"), out);
        }
    }

    @Test
    void theDecodersStrictOptionsAreSetExplicitly() {
        HttpDecoderConfig config = StrictRequestDecoder.config(4096, 8192);
        assertTrue(config.isStrictLineParsing(), "bare LF refused whatever io.netty...defaultStrictLineParsing says");
        assertTrue(config.isUseRfc9112TransferEncoding(), "whatever io.netty...rfc9112TransferEncoding says");
        assertFalse(config.isAllowDuplicateContentLengths());
        assertTrue(config.isChunkedSupported());
        assertEquals(4096, config.getMaxInitialLineLength());
        assertEquals(8192, config.getMaxHeaderSize());
        for (var factory : List.of(config.getHeadersFactory(), config.getTrailersFactory())) {
            DefaultHttpHeadersFactory f = (DefaultHttpHeadersFactory) factory;
            assertTrue(f.isValidatingHeaderNames() && f.isValidatingHeaderValues(), "header validation is on");
        }
    }
}
