package dev.topo.server.hostile;

import static dev.topo.server.hostile.Probes.refused;
import static dev.topo.server.hostile.Probes.served;

import java.util.List;

/**
 * Malformed, oversized and smuggling requests (RFC 9112 §2-§7, RFC 9110 §5): refused at once with the status the
 * RFC names, then closed, with nothing behind them answered.
 */
final class MalformedCases {
    private static final String SMUGGLED = "GET /smuggled HTTP/1.1\r\nHost: h\r\n\r\n";

    private MalformedCases() {
    }

    static List<HostileCase> all(SuiteLimits limits) {
        String overLine = "/" + "a".repeat(limits.maxInitialLineLength());
        String overHeader = "X-Big: " + "b".repeat(limits.maxHeaderSize()) + "\r\n";
        String overBody = Integer.toString(limits.maxBodySize() + 1);
        return List.of(
                refused("malformed", "garbage request line", "GARBAGE\r\n\r\n", 400),
                refused("malformed", "bare CR line ends", "GET / HTTP/1.1\rHost: h\r\r", 400),
                refused("malformed", "bare LF line ends", "GET / HTTP/1.1\nHost: h\n\n", 400),
                refused("malformed", "NUL in the target", "GET /\0 HTTP/1.1\r\nHost: h\r\n\r\n", 400),
                refused("malformed", "control character in the target", "GET /\u001b[2J HTTP/1.1\r\nHost: h\r\n\r\n",
                        400),
                refused("malformed", "tab between method and target", "GET\t/ HTTP/1.1\r\nHost: h\r\n\r\n", 400),
                refused("malformed", "four words in the request line", "GET /a b HTTP/1.1\r\nHost: h\r\n\r\n", 400),
                refused("malformed", "whitespace before the method", "  GET / HTTP/1.1\r\nHost: h\r\n\r\n", 400),
                refused("malformed", "non-token method", "G\u00ffT / HTTP/1.1\r\nHost: h\r\n\r\n", 400),
                served("malformed", "lowercase method is another method", "get / HTTP/1.1\r\nHost: h\r\n\r\n", 405),
                refused("malformed", "HTTP/9.9", "GET / HTTP/9.9\r\nHost: h\r\n\r\n", 505),
                refused("malformed", "HTTP/0.9 one-word request", "GET /\r\n\r\n", 400),
                refused("malformed", "relative target", "GET index.html HTTP/1.1\r\nHost: h\r\n\r\n", 400),
                refused("malformed", "HTTP/1.1 without Host", "GET / HTTP/1.1\r\n\r\n", 400),
                refused("malformed", "two Host fields", "GET / HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n", 400),
                refused("malformed", "Host with userinfo", "GET / HTTP/1.1\r\nHost: u@h\r\n\r\n", 400),
                refused("malformed", "whitespace before the colon", "GET / HTTP/1.1\r\nHost : h\r\n\r\n", 400),
                refused("malformed", "field line without a colon", "GET / HTTP/1.1\r\nHost: h\r\nX\r\n\r\n", 400),
                refused("malformed", "empty field name", "GET / HTTP/1.1\r\nHost: h\r\n: v\r\n\r\n", 400),
                refused("malformed", "NUL in a field value", "GET / HTTP/1.1\r\nHost: h\r\nX: a\0b\r\n\r\n", 400),
                refused("malformed", "BEL in a field value", "GET / HTTP/1.1\r\nHost: h\r\nX: \u0007\r\n\r\n", 400),
                refused("malformed", "'@' in a field name", "GET / HTTP/1.1\r\nHost: h\r\nX@Y: 1\r\n\r\n", 400),
                refused("malformed", "obsolete line folding", "GET / HTTP/1.1\r\nHost: h\r\nX: a\r\n\tb\r\n\r\n", 400),
                refused("malformed", "whitespace before the first field", "GET / HTTP/1.1\r\n Host: h\r\n\r\n", 400),
                refused("malformed", "unsupported expectation",
                        "POST /echo HTTP/1.1\r\nHost: h\r\nExpect: 200-ok\r\nContent-Length: 1\r\n\r\nx", 417),
                served("malformed", "HTTP/1.0 without Host",
                        "GET / HTTP/1.0\r\nConnection: keep-alive\r\n\r\n", 200),
                served("malformed", "absolute-form target", "GET http://h/ HTTP/1.1\r\nHost: h\r\n\r\n", 404),

                refused("oversized", "request line over the limit", "GET " + overLine + " HTTP/1.1\r\n\r\n", 414),
                refused("oversized", "one header over the limit", "GET / HTTP/1.1\r\nHost: h\r\n" + overHeader + "\r\n",
                        431),
                refused("oversized", "header flood of small fields", "GET / HTTP/1.1\r\nHost: h\r\n"
                        + "X-F: 1\r\n".repeat(limits.maxHeaderSize() / 6 + 1) + "\r\n", 431),
                refused("oversized", "declared body over the limit", "POST /echo HTTP/1.1\r\nHost: h\r\n"
                        + "Content-Length: " + overBody + "\r\n\r\n", 413),
                refused("oversized", "chunked body over the limit", "POST /echo HTTP/1.1\r\nHost: h\r\n"
                        + "Transfer-Encoding: chunked\r\n\r\n" + chunk(limits.maxBodySize()) + chunk(16), 413),
                refused("oversized", "trailer section over the limit", "POST /echo HTTP/1.1\r\nHost: h\r\n"
                        + "Transfer-Encoding: chunked\r\n\r\n0\r\n" + overHeader + "\r\n", 431),
                refused("oversized", "chunk-size line over the limit", "POST /echo HTTP/1.1\r\nHost: h\r\n"
                        + "Transfer-Encoding: chunked\r\n\r\n1;" + "e".repeat(limits.maxInitialLineLength())
                        + "\r\nx\r\n0\r\n\r\n", 400),
                refused("oversized", "Content-Length beyond 64 bits", "POST /echo HTTP/1.1\r\nHost: h\r\n"
                        + "Content-Length: 99999999999999999999\r\n\r\n", 400),

                refused("smuggling", "Content-Length with Transfer-Encoding (CL.TE)", "POST /echo HTTP/1.1\r\n"
                        + "Host: h\r\nContent-Length: 6\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n" + SMUGGLED,
                        400),
                refused("smuggling", "Transfer-Encoding with a space before the colon", "POST /echo HTTP/1.1\r\n"
                        + "Host: h\r\nTransfer-Encoding : chunked\r\n\r\n0\r\n\r\n" + SMUGGLED, 400),
                refused("smuggling", "two Content-Length fields", "POST /echo HTTP/1.1\r\nHost: h\r\n"
                        + "Content-Length: 0\r\nContent-Length: 40\r\n\r\n" + SMUGGLED, 400),
                refused("smuggling", "Content-Length list", "POST /echo HTTP/1.1\r\nHost: h\r\n"
                        + "Content-Length: 0, 40\r\n\r\n" + SMUGGLED, 400),
                refused("smuggling", "signed Content-Length", "POST /echo HTTP/1.1\r\nHost: h\r\n"
                        + "Content-Length: +0\r\n\r\n" + SMUGGLED, 400),
                refused("smuggling", "final coding not chunked", "POST /echo HTTP/1.1\r\nHost: h\r\n"
                        + "Transfer-Encoding: chunked, identity\r\n\r\n0\r\n\r\n" + SMUGGLED, 400),
                refused("smuggling", "Transfer-Encoding split over two fields", "POST /echo HTTP/1.1\r\nHost: h\r\n"
                        + "Transfer-Encoding: chunked\r\nTransfer-Encoding: x\r\n\r\n0\r\n\r\n" + SMUGGLED, 400),
                refused("smuggling", "Transfer-Encoding in HTTP/1.0", "POST /echo HTTP/1.0\r\n"
                        + "Transfer-Encoding: chunked\r\n\r\n0\r\n\r\n" + SMUGGLED, 400),
                refused("smuggling", "coding before chunked (501)", "POST /echo HTTP/1.1\r\nHost: h\r\n"
                        + "Transfer-Encoding: gzip, chunked\r\n\r\n0\r\n\r\n" + SMUGGLED, 501),
                refused("smuggling", "chunk size that is not hex", "POST /echo HTTP/1.1\r\nHost: h\r\n"
                        + "Transfer-Encoding: chunked\r\n\r\nz\r\n0\r\n\r\n" + SMUGGLED, 400),
                refused("smuggling", "chunk size overflow", "POST /echo HTTP/1.1\r\nHost: h\r\n"
                        + "Transfer-Encoding: chunked\r\n\r\n10000000000000000\r\n0\r\n\r\n" + SMUGGLED, 400),
                refused("smuggling", "chunk data longer than its size", "POST /echo HTTP/1.1\r\nHost: h\r\n"
                        + "Transfer-Encoding: chunked\r\n\r\n1\r\nabc\r\n0\r\n\r\n" + SMUGGLED, 400),
                refused("smuggling", "vertical tab hiding chunked", "POST /echo HTTP/1.1\r\nHost: h\r\n"
                        + "Transfer-Encoding:\u000bchunked\r\n\r\n0\r\n\r\n" + SMUGGLED, 400),
                served("smuggling", "body longer than Content-Length is the next request", "POST /echo HTTP/1.1\r\n"
                        + "Host: h\r\nContent-Length: 3\r\n\r\nabc" + SMUGGLED, 200, 404));
    }

    private static String chunk(int size) {
        return Integer.toHexString(size) + "\r\n" + "c".repeat(size) + "\r\n";
    }
}
