package dev.topo.server.topology;

import io.netty.util.concurrent.FastThreadLocalThread;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntFunction;

/** Names event-loop threads by role ({@code topo-boss-2}, {@code topo-worker-2-1}), so headers and dumps say it. */
final class LoopThreads implements ThreadFactory {
    private final IntFunction<String> name;
    private final AtomicInteger next = new AtomicInteger(1);

    /** {@code name} maps 1, 2, 3... to the thread names. */
    LoopThreads(IntFunction<String> name) {
        this.name = name;
    }

    @Override
    public Thread newThread(Runnable r) {
        // FastThreadLocalThread lets Netty's per-thread caches (buffers, recyclers) take their fast path.
        return new FastThreadLocalThread(r, name.apply(next.getAndIncrement()));
    }
}
