package dev.topo.loadgen.engine;

import io.netty.buffer.ByteBuf;

/**
 * The echo protocol has no framing: a response is complete once as many bytes as the payload came back. The
 * content is not compared, which would cost a copy per response; the byte count is what detects a broken echo.
 */
final class EchoResponseParser implements ResponseParser {

    private final int payload;
    private int received;

    EchoResponseParser(int payload) {
        this.payload = payload;
    }

    @Override
    public void feed(ByteBuf in, Sink sink) {
        int n = in.readableBytes();
        in.skipBytes(n);
        while (n > 0) {
            if (received == 0) {
                sink.onResponseStart();
            }
            int take = Math.min(n, payload - received);
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
