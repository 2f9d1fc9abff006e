package dev.topo.server.http;

import dev.topo.config.LimitsConfig;
import dev.topo.config.WorkConfig;
import dev.topo.server.metrics.ServerMetrics;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.nio.ByteBuffer;

/** What every HTTP connection of one server shares: limits, metrics, and the bytes {@code /work} answers with. */
final class HttpSettings {
    final LimitsConfig limits;
    final WorkConfig work;
    final ServerMetrics metrics;
    final long maxBodyBytes;
    /** Read-only filler for {@code /work?bytes=N}; slices of it are written, never copies. */
    final ByteBuf filler;

    HttpSettings(LimitsConfig limits, WorkConfig work, ServerMetrics metrics) {
        this.limits = limits;
        this.work = work;
        this.metrics = metrics;
        this.maxBodyBytes = limits.maxBodySize().bytes();
        // A JDK direct buffer, freed by the GC with the server: it lives as long as the server, so reference
        // counting it would only make the leak detector report it at every stop.
        ByteBuffer bytes = ByteBuffer.allocateDirect(Math.max(work.maxBytes().toInt(), 1));
        byte[] chunk = new byte[Math.min(bytes.capacity(), 64 * 1024)];
        java.util.Arrays.fill(chunk, (byte) 'x');
        while (bytes.hasRemaining()) {
            bytes.put(chunk, 0, Math.min(chunk.length, bytes.remaining()));
        }
        bytes.flip();
        this.filler = Unpooled.unreleasableBuffer(Unpooled.wrappedBuffer(bytes).asReadOnly());
    }
}
