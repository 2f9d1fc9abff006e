package dev.topo.server.http;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.UnpooledByteBufAllocator;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

/**
 * Responses a topology writes itself, before any pipeline exists (the thread-pool's 503 when its queue is full),
 * from the same encoder as every other response: status line, {@code Date}, identity headers.
 */
public final class Rejections {
    private static final byte[] FULL = "thread pool is full\n".getBytes(StandardCharsets.US_ASCII);

    private Rejections() {
    }

    /** The 503 a full thread pool answers with, naming the listener and the thread that turned the client away. */
    public static byte[] serviceUnavailable(int listener, String thread) {
        ByteBuf buf = new ResponseEncoder(listener, thread).encode(UnpooledByteBufAllocator.DEFAULT,
                ResponseEncoder.Status.UNAVAILABLE, ResponseEncoder.TEXT_PLAIN, null, FULL.length,
                ResponseEncoder.closeHeader(), FULL, false);
        try {
            byte[] bytes = new byte[buf.readableBytes()];
            buf.readBytes(bytes);
            return bytes;
        } finally {
            buf.release();
        }
    }

    /**
     * Writes the 503 to {@code socket} and closes it without a reset destroying the answer: the output is shut
     * after the response (so the client reads it, then end-of-stream), what the client already sent is read and
     * dropped without waiting for more, then the socket is closed. Never blocks on the client's reading.
     */
    public static void rejectBlocking(Socket socket, int listener, String thread) {
        try (socket) {
            socket.getOutputStream().write(serviceUnavailable(listener, thread));
            socket.shutdownOutput();
            InputStream in = socket.getInputStream();
            for (int left = in.available(); left > 0; left = in.available()) {
                in.skip(left);
            }
        } catch (IOException e) {
            // the client went away first; it is being turned away anyway
        }
    }
}
