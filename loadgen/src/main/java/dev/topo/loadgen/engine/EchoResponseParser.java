package dev.topo.loadgen.engine;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;

/**
 * The echo protocol has no framing: a response is complete once as many bytes as the payload came back, and each
 * byte must be the one sent: an echo server that answers with the right length but other bytes is broken, and a
 * count alone would call it healthy. The comparison reads both buffers in place, without a copy.
 */
final class EchoResponseParser implements ResponseParser {

    private final ByteBuf expected;
    private final int payload;
    private int received;

    EchoResponseParser(byte[] payload) {
        this.expected = Unpooled.wrappedBuffer(payload);
        this.payload = payload.length;
    }

    @Override
    public void feed(ByteBuf in, Sink sink) throws ProtocolException {
        int n = in.readableBytes();
        int at = in.readerIndex();
        in.skipBytes(n);
        while (n > 0) {
            if (received == 0) {
                sink.onResponseStart();
            }
            int take = Math.min(n, payload - received);
            if (!ByteBufUtil.equals(in, at, expected, received, take)) {
                throw new ProtocolException("the echo differs from the bytes sent");
            }
            at += take;
            received += take;
            n -= take;
            if (received == payload) {
                received = 0;
                sink.onResponse(200, false);
            }
        }
    }

    @Override
    public boolean onEof(Sink sink) {
        return false;
    }

    @Override
    public boolean inResponse() {
        return received > 0;
    }

    @Override
    public void release() {
    }
}
