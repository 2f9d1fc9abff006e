package dev.topo.loadgen.engine;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.util.ByteProcessor;

/**
 * A minimal HTTP/1.1 response parser over {@link ByteBuf}: status line, Content-Length, chunked bodies, Connection:
 * close and the two Topo headers. It allocates nothing per response; bodies are skipped, never copied. A line split
 * across two reads is the only case that copies, into a per-connection buffer.
 */
final class HttpResponseParser implements ResponseParser {

    static final int MAX_LINE = 16 * 1024;

    private static final int STATUS = 0;
    private static final int HEADERS = 1;
    private static final int BODY = 2;
    private static final int CHUNK_SIZE = 3;
    private static final int CHUNK_DATA = 4;
    private static final int CHUNK_END = 5;
    private static final int TRAILERS = 6;
    private static final int UNTIL_CLOSE = 7;

    private static final byte[] CONTENT_LENGTH = lower("content-length");
    private static final byte[] TRANSFER_ENCODING = lower("transfer-encoding");
    private static final byte[] CONNECTION = lower("connection");
    private static final byte[] X_TOPO_LISTENER = lower("x-topo-listener");
    private static final byte[] X_TOPO_LOOP = lower("x-topo-loop");
    private static final byte[] CHUNKED = lower("chunked");
    private static final byte[] CLOSE = lower("close");

    private final boolean headRequests;
    private ByteBuf partial;
    private int state = STATUS;
    private boolean started;
    private int status;
    private long contentLength;
    private boolean chunked;
    private boolean close;
    private long remaining;

    HttpResponseParser(boolean headRequests) {
        this.headRequests = headRequests;
    }

    @Override
    public boolean inResponse() {
        return started;
    }

    @Override
    public void feed(ByteBuf in, Sink sink) throws ProtocolException {
        ByteBuf buf = in;
        if (partial != null && partial.isReadable()) {
            partial.writeBytes(in);
            buf = partial;
        }
        parse(buf, sink);
        if (buf == partial) {
            partial.discardReadBytes();
        } else if (buf.isReadable()) {
            if (partial == null) {
                partial = Unpooled.buffer(Math.max(256, buf.readableBytes()));
            }
            partial.writeBytes(buf);
        }
        if (partial != null && partial.readableBytes() > MAX_LINE) {
            throw new ProtocolException("header line longer than " + MAX_LINE + " bytes");
        }
    }

    private void parse(ByteBuf buf, Sink sink) throws ProtocolException {
        while (buf.isReadable()) {
            switch (state) {
                case STATUS -> {
                    if (!started) {
                        started = true;
                        sink.onResponseStart();
                    }
                    int eol = findLf(buf);
                    if (eol < 0) {
                        return;
                    }
                    parseStatus(buf, buf.readerIndex(), eol);
                    buf.readerIndex(eol + 1);
                    state = HEADERS;
                }
                case HEADERS -> {
                    int eol = findLf(buf);
                    if (eol < 0) {
                        return;
                    }
                    int start = buf.readerIndex();
                    int end = trimCr(buf, start, eol);
                    buf.readerIndex(eol + 1);
                    if (end == start) {
                        endOfHeaders(sink);
                    } else {
                        header(buf, start, end, sink);
                    }
                }
                case BODY, CHUNK_DATA -> {
                    int n = (int) Math.min(remaining, buf.readableBytes());
                    buf.skipBytes(n);
                    remaining -= n;
                    if (remaining == 0) {
                        if (state == BODY) {
                            complete(sink);
                        } else {
                            state = CHUNK_END;
                        }
                    }
                }
                case CHUNK_SIZE -> {
                    int eol = findLf(buf);
                    if (eol < 0) {
                        return;
                    }
                    long size = parseHex(buf, buf.readerIndex(), trimCr(buf, buf.readerIndex(), eol));
                    buf.readerIndex(eol + 1);
                    if (size == 0) {
                        state = TRAILERS;
                    } else {
                        remaining = size;
                        state = CHUNK_DATA;
                    }
                }
                case CHUNK_END -> {
                    int eol = findLf(buf);
                    if (eol < 0) {
                        return;
                    }
                    if (trimCr(buf, buf.readerIndex(), eol) != buf.readerIndex()) {
                        throw new ProtocolException("missing CRLF after chunk data");
                    }
                    buf.readerIndex(eol + 1);
                    state = CHUNK_SIZE;
                }
                case TRAILERS -> {
                    int eol = findLf(buf);
                    if (eol < 0) {
                        return;
                    }
                    boolean empty = trimCr(buf, buf.readerIndex(), eol) == buf.readerIndex();
                    buf.readerIndex(eol + 1);
                    if (empty) {
                        complete(sink);
                    }
                }
                case UNTIL_CLOSE -> buf.skipBytes(buf.readableBytes());
                default -> throw new IllegalStateException("state " + state);
            }
        }
    }

    private void parseStatus(ByteBuf buf, int start, int eol) throws ProtocolException {
        // "HTTP/1.x SSS" is 12 bytes; the reason phrase is optional.
        if (eol - start < 12 || buf.getByte(start) != 'H' || buf.getByte(start + 1) != 'T'
                || buf.getByte(start + 2) != 'T' || buf.getByte(start + 3) != 'P' || buf.getByte(start + 4) != '/'
                || buf.getByte(start + 5) != '1' || buf.getByte(start + 6) != '.' || buf.getByte(start + 8) != ' ') {
            throw new ProtocolException("bad status line");
        }
        int s = 0;
        for (int i = start + 9; i < start + 12; i++) {
            int d = buf.getByte(i) - '0';
            if (d < 0 || d > 9) {
                throw new ProtocolException("bad status code");
            }
            s = s * 10 + d;
        }
        status = s;
        // HTTP/1.0 closes by default.
        close = buf.getByte(start + 7) == '0';
        contentLength = -1;
        chunked = false;
    }

    private void header(ByteBuf buf, int start, int end, Sink sink) throws ProtocolException {
        int colon = buf.indexOf(start, end, (byte) ':');
        if (colon <= start) {
            throw new ProtocolException("bad header line");
        }
        int vs = colon + 1;
        while (vs < end && isSpace(buf.getByte(vs))) {
            vs++;
        }
        int ve = end;
        while (ve > vs && isSpace(buf.getByte(ve - 1))) {
            ve--;
        }
        int nameLength = colon - start;
        if (nameLength == CONTENT_LENGTH.length && equalsLower(buf, start, CONTENT_LENGTH)) {
            contentLength = parseDecimal(buf, vs, ve);
        } else if (nameLength == TRANSFER_ENCODING.length && equalsLower(buf, start, TRANSFER_ENCODING)) {
            // The last coding decides; anything but chunked means "until close".
            chunked = ve - vs >= CHUNKED.length && equalsLower(buf, ve - CHUNKED.length, CHUNKED);
        } else if (nameLength == CONNECTION.length && equalsLower(buf, start, CONNECTION)) {
            if (ve - vs == CLOSE.length && equalsLower(buf, vs, CLOSE)) {
                close = true;
            } else if (ve - vs == 10 && (buf.getByte(vs) | 0x20) == 'k') {
                close = false;
            }
        } else if (nameLength == X_TOPO_LISTENER.length && equalsLower(buf, start, X_TOPO_LISTENER)) {
            sink.onTopoHeader(0, buf, vs, ve - vs);
        } else if (nameLength == X_TOPO_LOOP.length && equalsLower(buf, start, X_TOPO_LOOP)) {
            sink.onTopoHeader(1, buf, vs, ve - vs);
        }
    }

    private void endOfHeaders(Sink sink) {
        if (status / 100 == 1 && status != 101) {
            // Interim response (100 Continue): the real one follows.
            state = STATUS;
            return;
        }
        if (headRequests || status == 204 || status == 304) {
            complete(sink);
        } else if (chunked) {
            state = CHUNK_SIZE;
        } else if (contentLength == 0) {
            complete(sink);
        } else if (contentLength > 0) {
            remaining = contentLength;
            state = BODY;
        } else {
            close = true;
            state = UNTIL_CLOSE;
        }
    }

    private void complete(Sink sink) {
        state = STATUS;
        started = false;
        sink.onResponse(status, close);
    }

    @Override
    public boolean onEof(Sink sink) {
        if (state == UNTIL_CLOSE) {
            complete(sink);
            return true;
        }
        return false;
    }

    @Override
    public void release() {
        if (partial != null) {
            partial.release();
            partial = null;
        }
    }

    private static int findLf(ByteBuf buf) {
        return buf.forEachByte(buf.readerIndex(), buf.readableBytes(), ByteProcessor.FIND_LF);
    }

    private static int trimCr(ByteBuf buf, int start, int eol) {
        return eol > start && buf.getByte(eol - 1) == '\r' ? eol - 1 : eol;
    }

    private static boolean isSpace(byte b) {
        return b == ' ' || b == '\t';
    }

    private static boolean equalsLower(ByteBuf buf, int index, byte[] lower) {
        for (int i = 0; i < lower.length; i++) {
            byte b = buf.getByte(index + i);
            if (b >= 'A' && b <= 'Z') {
                b += 32;
            }
            if (b != lower[i]) {
                return false;
            }
        }
        return true;
    }

    private static long parseDecimal(ByteBuf buf, int start, int end) throws ProtocolException {
        if (start == end || end - start > 18) {
            throw new ProtocolException("bad Content-Length");
        }
        long v = 0;
        for (int i = start; i < end; i++) {
            int d = buf.getByte(i) - '0';
            if (d < 0 || d > 9) {
                throw new ProtocolException("bad Content-Length");
            }
            v = v * 10 + d;
        }
        return v;
    }

    private static long parseHex(ByteBuf buf, int start, int end) throws ProtocolException {
        long v = 0;
        int digits = 0;
        for (int i = start; i < end; i++) {
            byte b = buf.getByte(i);
            int d;
            if (b >= '0' && b <= '9') {
                d = b - '0';
            } else if (b >= 'a' && b <= 'f') {
                d = b - 'a' + 10;
            } else if (b >= 'A' && b <= 'F') {
                d = b - 'A' + 10;
            } else if (b == ';' || b == ' ' || b == '\t') {
                break;
            } else {
                throw new ProtocolException("bad chunk size");
            }
            if (++digits > 15) {
                throw new ProtocolException("chunk size too large");
            }
            v = (v << 4) | d;
        }
        if (digits == 0) {
            throw new ProtocolException("bad chunk size");
        }
        return v;
    }

    private static byte[] lower(String s) {
        return s.getBytes(java.nio.charset.StandardCharsets.US_ASCII);
    }
}
