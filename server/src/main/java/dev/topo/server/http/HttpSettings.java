package dev.topo.server.http;

import dev.topo.server.config.LimitsConfig;
import dev.topo.server.config.WorkConfig;
import dev.topo.server.metrics.ServerMetrics;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;

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
        int size = work.maxBytes().toInt();
        ByteBuf buf = Unpooled.directBuffer(Math.max(size, 1));
        for (int i = 0; i < size; i++) {
            buf.writeByte('x');
        }
        this.filler = Unpooled.unreleasableBuffer(buf.asReadOnly());
    }
}
