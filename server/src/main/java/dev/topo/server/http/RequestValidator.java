package dev.topo.server.http;

import dev.topo.server.http.ResponseEncoder.Status;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpVersion;
import java.util.List;

/**
 * The rules about a decoded request head that Netty's decoder does not check: the protocol version, the form of the
 * request target, {@code Host}, and transfer codings other than chunked. {@link StrictRequestDecoder} applies them to
 * each head it decodes (rather than a handler of its own behind it: one pipeline stage less per connection); a
 * refused head gets a {@link RejectedRequest} as its decoder result and goes on to the HTTP handler, which answers it
 * and closes.
 */
final class RequestValidator {
    private RequestValidator() {
    }

    /** The first rule {@code req} breaks, or null. */
    static RejectedRequest check(HttpRequest req) {
        HttpVersion version = req.protocolVersion();
        if (version.majorVersion() != 1) {
            // RFC 9110 §15.6.6 and RFC 9112 §2.3: a major version the server does not implement gets 505. An
            // HTTP/2 connection preface (PRI * HTTP/2.0) on this plain HTTP/1.1 port ends here too.
            return new RejectedRequest(Status.VERSION_NOT_SUPPORTED, version.text() + " is not supported (expected: "
                    + "HTTP/1.0 or HTTP/1.1)");
        }
        String targetProblem = targetProblem(req.method(), req.uri());
        if (targetProblem != null) {
            return new RejectedRequest(Status.BAD_REQUEST, targetProblem);
        }
        List<String> hosts = req.headers().getAll(HttpHeaderNames.HOST);
        // RFC 9112 §3.2: 400 for an HTTP/1.1 request without Host, with more than one, or with an invalid one.
        if (hosts.size() > 1) {
            return new RejectedRequest(Status.BAD_REQUEST, "more than one Host header (RFC 9112 section 3.2)");
        }
        if (hosts.isEmpty() && version.minorVersion() >= 1) {
            return new RejectedRequest(Status.BAD_REQUEST,
                    "a request without a Host header in HTTP/1.1 (RFC 9112 section 3.2)");
        }
        if (hosts.size() == 1 && !isValidHost(hosts.get(0))) {
            return new RejectedRequest(Status.BAD_REQUEST,
                    "invalid Host header (RFC 9112 section 3.2, RFC 3986 section 3.2.2)");
        }
        return transferCodingProblem(req);
    }

    /**
     * RFC 9112 §3.2: origin-form ({@code /path}), absolute-form ({@code http://host/path}), authority-form (CONNECT
     * only) or asterisk-form (OPTIONS only); anything else is refused with 400.
     */
    private static String targetProblem(HttpMethod method, String uri) {
        if (uri.startsWith("/")) {
            return null;
        }
        if (uri.equals("*")) {
            return method == HttpMethod.OPTIONS ? null
                    : "'*' is a request target for OPTIONS only (RFC 9112 section 3.2.4)";
        }
        if (method == HttpMethod.CONNECT) {
            return isValidHost(uri) ? null : "CONNECT needs host:port as its target (RFC 9112 section 3.2.3)";
        }
        int colon = uri.indexOf("://");
        if (colon > 0 && isScheme(uri.substring(0, colon))) {
            return null;
        }
        return "request target '" + shorten(uri) + "' is not a path or an absolute URI (RFC 9112 section 3.2)";
    }

    /**
     * RFC 9112 §6.1: a server that receives a transfer coding it does not understand SHOULD answer 501. The decoder
     * has already refused, with 400, every request whose final coding is not chunked (§6.3), so what is left here is
     * a coding applied before chunked, such as {@code gzip, chunked}.
     */
    private static RejectedRequest transferCodingProblem(HttpRequest req) {
        for (String field : req.headers().getAll(HttpHeaderNames.TRANSFER_ENCODING)) {
            for (String coding : field.split(",", -1)) {
                String c = coding.trim();
                if (!c.equalsIgnoreCase("chunked")) {
                    return new RejectedRequest(Status.NOT_IMPLEMENTED, "transfer coding '" + shorten(c)
                            + "' is not supported (expected: chunked; RFC 9112 section 6.1)");
                }
            }
        }
        return null;
    }

    /** RFC 3986 §3.2.2 and §3.2.3: {@code uri-host [ ":" port ]}, or empty. */
    static boolean isValidHost(String host) {
        int end = host.length();
        int i = 0;
        if (host.startsWith("[")) {
            int close = host.indexOf(']');
            if (close < 0) {
                return false;
            }
            for (i = 1; i < close; i++) {
                char c = host.charAt(i);
                if (!(Character.digit(c, 16) >= 0 || c == ':' || c == '.')) {
                    return false;
                }
            }
            i = close + 1;
        } else {
            for (; i < end && host.charAt(i) != ':'; i++) {
                if (!isRegNameChar(host.charAt(i))) {
                    return false;
                }
            }
        }
        if (i == end) {
            return true;
        }
        if (host.charAt(i) != ':') {
            return false;
        }
        for (i++; i < end; i++) {
            if (host.charAt(i) < '0' || host.charAt(i) > '9') {
                return false;
            }
        }
        return true;
    }

    /** unreserved, pct-encoded and sub-delims (RFC 3986 §3.2.2). */
    private static boolean isRegNameChar(char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
                || "-._~%!$&'()*+,;=".indexOf(c) >= 0;
    }

    private static boolean isScheme(String s) {
        if (s.isEmpty() || !Character.isLetter(s.charAt(0))) {
            return false;
        }
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (!(c < 0x80 && (Character.isLetterOrDigit(c) || c == '+' || c == '-' || c == '.'))) {
                return false;
            }
        }
        return true;
    }

    private static String shorten(String s) {
        return s.length() <= 64 ? s : s.substring(0, 64) + "...";
    }
}
