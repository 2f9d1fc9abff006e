package dev.topo.loadgen.engine;

import java.util.concurrent.atomic.AtomicLong;

/**
 * One schedule of connect slots shared by all threads, so the spec's {@code connectRate} caps the total. A slot is
 * never handed out earlier than now: time without connects is not saved up into a burst.
 */
final class ConnectRateLimiter {

    private final long intervalNanos;
    private final AtomicLong next = new AtomicLong(Long.MIN_VALUE);

    ConnectRateLimiter(double perSecond) {
        this.intervalNanos = Math.max(1, Math.round(1e9 / perSecond));
    }

    /** Reserves the next slot and returns how long to wait for it, in nanoseconds. */
    long reserve(long now) {
        while (true) {
            long n = next.get();
            long slot = Math.max(n, now);
            if (next.compareAndSet(n, slot + intervalNanos)) {
                return slot - now;
            }
        }
    }
}
