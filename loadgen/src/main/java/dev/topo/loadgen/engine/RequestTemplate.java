package dev.topo.loadgen.engine;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;

import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * The request bytes, encoded once into one direct buffer (two with a {@link RequestMix}). Every send writes a
 * retained duplicate: a recycled wrapper that shares the memory, so a request costs no copy and no encoding.
 */
final class RequestTemplate {

    private final ByteBuf bytes;
    /** The mixed-in request, null without a mix. */
    private final ByteBuf mixed;
    private final RequestMix mix;

    private RequestTemplate(byte[] encoded, byte[] encodedMix, RequestMix mix) {
        this.bytes = direct(encoded);
        this.mixed = encodedMix == null ? null : direct(encodedMix);
        this.mix = mix;
    }

    private static ByteBuf direct(byte[] encoded) {
        ByteBuf buf = PooledByteBufAllocator.DEFAULT.directBuffer(encoded.length);
        buf.writeBytes(encoded);
        return buf;
    }

    static RequestTemplate of(LoadSpec spec) {
        RequestMix mix = spec.mix();
        return new RequestTemplate(encode(spec), mix == null ? null : encode(spec, mix.path()), mix);
    }

    /** HTTP/1.1 request, or the raw echo payload for tcp targets. */
    static byte[] encode(LoadSpec spec) {
        return encode(spec, spec.target().path());
    }

    /** The same request with another target {@code path}. */
    static byte[] encode(LoadSpec spec, String path) {
        Target t = spec.target();
        if (!t.isHttp()) {
            return spec.body();
        }
        StringBuilder sb = new StringBuilder(128);
        sb.append(spec.method()).append(' ').append(path).append(" HTTP/1.1\r\n");
        boolean host = false;
        boolean connection = false;
        boolean contentLength = false;
        for (LoadSpec.Header h : spec.headers()) {
            String name = h.name().toLowerCase(Locale.ROOT);
            host |= name.equals("host");
            connection |= name.equals("connection");
            contentLength |= name.equals("content-length");
            sb.append(h.name()).append(": ").append(h.value()).append("\r\n");
        }
        if (!host) {
            sb.append("Host: ").append(t.hostHeader()).append("\r\n");
        }
        if (!connection && spec.connectionMode() == ConnectionMode.PER_REQUEST) {
            // Lets the server close first, so TIME_WAIT stays on its side (see CloseMode.SERVER).
            sb.append("Connection: close\r\n");
        }
        int bodyLength = spec.bodyLength();
        if (!contentLength && (bodyLength > 0 || requiresBody(spec.method()))) {
            sb.append("Content-Length: ").append(bodyLength).append("\r\n");
        }
        sb.append("\r\n");
        byte[] head = sb.toString().getBytes(StandardCharsets.ISO_8859_1);
        byte[] out = new byte[head.length + bodyLength];
        System.arraycopy(head, 0, out, 0, head.length);
        System.arraycopy(spec.body(), 0, out, head.length, bodyLength);
        return out;
    }

    private static boolean requiresBody(String method) {
        return method.equals("POST") || method.equals("PUT") || method.equals("PATCH");
    }

    /**
     * A new reference to request {@code index} (0-based, of one thread): the mixed-in one where the mix says. The
     * channel releases it once written.
     */
    ByteBuf next(long index) {
        return mixed != null && mix.mixedIn(index) ? mixed.retainedDuplicate() : bytes.retainedDuplicate();
    }

    void release() {
        bytes.release();
        if (mixed != null) {
            mixed.release();
        }
    }
}
