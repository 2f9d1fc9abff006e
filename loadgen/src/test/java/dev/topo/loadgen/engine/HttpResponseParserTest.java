package dev.topo.loadgen.engine;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

@Timeout(10)
class HttpResponseParserTest {

    /** Records what the parser reports. */
    static final class Events implements ResponseParser.Sink {
        final List<String> events = new ArrayList<>();
        int starts;

        @Override
        public void onResponseStart() {
            starts++;
        }

        @Override
        public void onTopoHeader(int which, ByteBuf buf, int index, int length) {
            events.add((which == 0 ? "listener=" : "loop=") + buf.toString(index, length, StandardCharsets.US_ASCII));
        }

        @Override
        public void onResponse(int status, boolean close) {
            events.add(status + (close ? " close" : ""));
        }
    }

    private static final String KEEP_ALIVE = "HTTP/1.1 200 OK\r\nContent-Length: 13\r\nx-topo-listener: 1\r\n"
            + "X-Topo-Loop:  topo-worker-0-2 \r\n\r\nHello, World!";
    private static final String CHUNKED = "HTTP/1.1 404 Not Found\r\nTransfer-Encoding: chunked\r\n\r\n"
            + "5;ext=1\r\nHello\r\nA\r\n0123456789\r\n0\r\nTrailer: x\r\n\r\n";
    private static final String CLOSE = "HTTP/1.1 503 Busy\r\nConnection: close\r\nContent-Length: 0\r\n\r\n";
    private static final String INTERIM = "HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 204 No Content\r\n\r\n";

    private static final List<String> EXPECTED = List.of("listener=1", "loop=topo-worker-0-2", "200", "404",
            "503 close", "204");

    @Test
    void parsesPipelinedResponsesSplitAtEveryByte() throws Exception {
        byte[] all = (KEEP_ALIVE + CHUNKED + CLOSE + INTERIM).getBytes(StandardCharsets.US_ASCII);
        for (int split = 0; split <= all.length; split++) {
            HttpResponseParser parser = new HttpResponseParser(false);
            Events events = new Events();
            feed(parser, events, all, 0, split);
            feed(parser, events, all, split, all.length);
            assertEquals(EXPECTED, events.events, "split at " + split);
            assertEquals(4, events.starts, "split at " + split);
            assertFalse(parser.inResponse());
            parser.release();
        }
    }

    @Test
    void parsesOneByteAtATime() throws Exception {
        byte[] all = (KEEP_ALIVE + CHUNKED + CLOSE + INTERIM).getBytes(StandardCharsets.US_ASCII);
        HttpResponseParser parser = new HttpResponseParser(false);
        Events events = new Events();
        for (int i = 0; i < all.length; i++) {
            feed(parser, events, all, i, i + 1);
        }
        assertEquals(EXPECTED, events.events);
        parser.release();
    }

    @Test
    void bodyWithoutLengthEndsAtClose() throws Exception {
        HttpResponseParser parser = new HttpResponseParser(false);
        Events events = new Events();
        byte[] bytes = "HTTP/1.0 200 OK\r\n\r\nsome body".getBytes(StandardCharsets.US_ASCII);
        feed(parser, events, bytes, 0, bytes.length);
        assertTrue(events.events.isEmpty());
        assertTrue(parser.onEof(events));
        assertEquals(List.of("200 close"), events.events);
    }

    @Test
    void headResponsesHaveNoBody() throws Exception {
        HttpResponseParser parser = new HttpResponseParser(true);
        Events events = new Events();
        byte[] bytes = "HTTP/1.1 200 OK\r\nContent-Length: 13\r\n\r\nHTTP/1.1 200 OK\r\nContent-Length: 13\r\n\r\n"
                .getBytes(StandardCharsets.US_ASCII);
        feed(parser, events, bytes, 0, bytes.length);
        assertEquals(List.of("200", "200"), events.events);
    }

    @Test
    void rejectsGarbage() {
        for (String bad : List.of("SSH-2.0-OpenSSH\r\n", "HTTP/1.1 2x0 OK\r\n",
                "HTTP/1.1 200 OK\r\nContent-Length: abc\r\n\r\n",
                "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n")) {
            HttpResponseParser parser = new HttpResponseParser(false);
            byte[] bytes = bad.getBytes(StandardCharsets.US_ASCII);
            assertThrows(ResponseParser.ProtocolException.class,
                    () -> feed(parser, new Events(), bytes, 0, bytes.length), bad);
        }
    }

    @Test
    void rejectsEndlessHeaderLine() {
        HttpResponseParser parser = new HttpResponseParser(false);
        byte[] chunk = new byte[4096];
        java.util.Arrays.fill(chunk, (byte) 'a');
        assertThrows(ResponseParser.ProtocolException.class, () -> {
            for (int i = 0; i < 10; i++) {
                feed(parser, new Events(), chunk, 0, chunk.length);
            }
        });
    }

    private static void feed(ResponseParser parser, Events events, byte[] bytes, int from, int to)
            throws ResponseParser.ProtocolException {
        ByteBuf buf = Unpooled.wrappedBuffer(bytes, from, to - from);
        try {
            parser.feed(buf, events);
            assertEquals(0, buf.readableBytes(), "parser must consume everything it is given");
        } finally {
            buf.release();
        }
    }
}
