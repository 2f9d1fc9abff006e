package dev.topo.server.http;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.HttpResponseStatus;
import java.nio.charset.StandardCharsets;

/**
 * Writes response heads straight into one buffer. Every response Topo sends has the same small set of headers, so
 * the status lines and constant headers are encoded once and copied, instead of building an {@code HttpResponse}
 * and running it through Netty's generic encoder on every request.
 */
final class ResponseEncoder {
    enum Status {
        OK(HttpResponseStatus.OK),
        BAD_REQUEST(HttpResponseStatus.BAD_REQUEST),
        NOT_FOUND(HttpResponseStatus.NOT_FOUND),
        METHOD_NOT_ALLOWED(HttpResponseStatus.METHOD_NOT_ALLOWED),
        REQUEST_TIMEOUT(HttpResponseStatus.REQUEST_TIMEOUT),
        PAYLOAD_TOO_LARGE(HttpResponseStatus.REQUEST_ENTITY_TOO_LARGE),
        URI_TOO_LONG(HttpResponseStatus.REQUEST_URI_TOO_LONG),
        EXPECTATION_FAILED(HttpResponseStatus.EXPECTATION_FAILED),
        HEADERS_TOO_LARGE(HttpResponseStatus.REQUEST_HEADER_FIELDS_TOO_LARGE),
        INTERNAL_ERROR(HttpResponseStatus.INTERNAL_SERVER_ERROR),
        NOT_IMPLEMENTED(HttpResponseStatus.NOT_IMPLEMENTED),
        UNAVAILABLE(HttpResponseStatus.SERVICE_UNAVAILABLE),
        VERSION_NOT_SUPPORTED(HttpResponseStatus.HTTP_VERSION_NOT_SUPPORTED);

        final int code;
        final byte[] line;

        Status(HttpResponseStatus status) {
            this.code = status.code();
            this.line = ascii("HTTP/1.1 " + status.code() + " " + status.reasonPhrase() + "\r\n");
        }
    }

    static final byte[] TEXT_PLAIN = ascii("Content-Type: text/plain\r\n");
    static final byte[] OCTET_STREAM = ascii("Content-Type: application/octet-stream\r\n");
    private static final byte[] CONTENT_LENGTH = ascii("Content-Length: ");
    private static final byte[] CHUNKED = ascii("Transfer-Encoding: chunked\r\n");
    private static final byte[] LAST_CHUNK = ascii("0\r\n\r\n");
    private static final byte[] CLOSE = ascii("Connection: close\r\n");
    private static final byte[] KEEP_ALIVE = ascii("Connection: keep-alive\r\n");
    private static final byte[] CRLF = ascii("\r\n");
    static final byte[] CONTINUE = ascii("HTTP/1.1 100 Continue\r\n\r\n");
    private static final long PID = ProcessHandle.current().pid();

    /** The {@code X-Topo-Listener}, {@code X-Topo-Loop} and {@code X-Topo-Worker} lines: fixed for a connection. */
    private final byte[] identity;

    ResponseEncoder(int listener, String thread) {
        // The pid tells which worker process served a response when several processes share one port.
        this.identity = ascii("X-Topo-Listener: " + listener + "\r\nX-Topo-Loop: " + thread + "\r\nX-Topo-Worker: "
                + PID + "\r\n");
    }

    /**
     * Encodes a status line and headers, then {@code body} (may be null) unless {@code headOnly}.
     *
     * @param contentLength the body's length, or {@code -1} for a chunked body written with {@link #chunkHead} and
     *                      {@link #lastChunk}
     * @param connection {@code null}, {@link #closeHeader()} or {@link #keepAliveHeader()}
     */
    ByteBuf encode(ByteBufAllocator alloc, Status status, byte[] contentType, byte[] extraHeaders, long contentLength,
            byte[] connection, byte[] body, boolean headOnly) {
        byte[] date = HttpDate.line();
        int size = status.line.length + date.length + identity.length + contentType.length + CONTENT_LENGTH.length
                + 20 + CRLF.length * 2 + (extraHeaders == null ? 0 : extraHeaders.length)
                + (connection == null ? 0 : connection.length) + (body == null || headOnly ? 0 : body.length);
        ByteBuf buf = alloc.ioBuffer(size);
        buf.writeBytes(status.line).writeBytes(date).writeBytes(identity).writeBytes(contentType);
        if (contentLength < 0) {
            buf.writeBytes(CHUNKED);
        } else {
            buf.writeBytes(CONTENT_LENGTH);
            writeDecimal(buf, contentLength);
            buf.writeBytes(CRLF);
        }
        if (extraHeaders != null) {
            buf.writeBytes(extraHeaders);
        }
        if (connection != null) {
            buf.writeBytes(connection);
        }
        buf.writeBytes(CRLF);
        if (body != null && !headOnly) {
            buf.writeBytes(body);
        }
        return buf;
    }

    /** The size line of a chunk of {@code size > 0} bytes (RFC 9112 §7.1); the chunk ends with {@link #chunkEnd}. */
    static ByteBuf chunkHead(ByteBufAllocator alloc, int size) {
        String hex = Integer.toHexString(size);
        ByteBuf buf = alloc.ioBuffer(hex.length() + 2);
        buf.writeCharSequence(hex, StandardCharsets.US_ASCII);
        return buf.writeBytes(CRLF);
    }

    static ByteBuf chunkEnd() {
        return Unpooled.wrappedBuffer(CRLF);
    }

    /** The zero-size chunk and the empty trailer section that end a chunked body. */
    static ByteBuf lastChunk() {
        return Unpooled.wrappedBuffer(LAST_CHUNK);
    }

    static byte[] closeHeader() {
        return CLOSE;
    }

    static byte[] keepAliveHeader() {
        return KEEP_ALIVE;
    }

    static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }

    private static void writeDecimal(ByteBuf buf, long value) {
        if (value == 0) {
            buf.writeByte('0');
            return;
        }
        int digits = 0;
        for (long v = value; v > 0; v /= 10) {
            digits++;
        }
        int end = buf.writerIndex() + digits;
        buf.ensureWritable(digits);
        for (int i = end - 1; i >= end - digits; i--) {
            buf.setByte(i, (int) ('0' + value % 10));
            value /= 10;
        }
        buf.writerIndex(end);
    }
}
