package dev.topo.loadgen.engine;

import io.netty.util.concurrent.FastThreadLocalThread;

import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;

/** Names load threads {@code topo-load-1..n}, so profiles and thread dumps show which role a thread has. */
final class LoadThreadFactory implements ThreadFactory {

    private final AtomicInteger counter = new AtomicInteger();

    @Override
    public Thread newThread(Runnable r) {
        Thread t = new FastThreadLocalThread(r, "topo-load-" + counter.incrementAndGet());
        t.setDaemon(true);
        return t;
    }
}
