package dev.topo.server.metrics;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * One loop's request latency histogram: fixed buckets doubling from 1 µs to about 33 s, plus a sum. Like the other
 * {@link LoopStats} counters it is written with plain (opaque) stores when only the loop's thread records, and
 * atomically when several threads do; {@link ServerMetrics} merges every loop's copy when {@code /metrics} is
 * scraped, so the request path never touches a structure another loop writes.
 */
final class RequestTimes {
    /** Buckets {@code le = 2^i µs} for i in 0..25, then +Inf. */
    static final int BUCKETS = 27;
    private static final VarHandle SLOT = MethodHandles.arrayElementVarHandle(long[].class);

    /** {@code BUCKETS} counts, then the sum of nanoseconds; one array so that a loop touches one object. */
    private final long[] slots = new long[BUCKETS + 1];
    private final boolean sharedWriters;

    RequestTimes(boolean sharedWriters) {
        this.sharedWriters = sharedWriters;
    }

    /** The upper bound of bucket {@code i} in seconds ({@code +Inf} for the last). */
    static double upperBoundSeconds(int i) {
        return i == BUCKETS - 1 ? Double.POSITIVE_INFINITY : Math.scalb(1e-6, i);
    }

    static int bucketOf(long nanos) {
        long micros = (Math.max(nanos, 0) + 999) / 1000;
        int i = micros <= 1 ? 0 : 64 - Long.numberOfLeadingZeros(micros - 1);
        return Math.min(i, BUCKETS - 1);
    }

    void record(long nanos) {
        add(bucketOf(nanos), 1);
        add(BUCKETS, Math.max(nanos, 0));
    }

    /** Adds this loop's counts into {@code counts} (length {@link #BUCKETS}); returns its sum of nanoseconds. */
    long addTo(long[] counts) {
        for (int i = 0; i < BUCKETS; i++) {
            counts[i] += (long) SLOT.getOpaque(slots, i);
        }
        return (long) SLOT.getOpaque(slots, BUCKETS);
    }

    private void add(int slot, long delta) {
        if (sharedWriters) {
            SLOT.getAndAdd(slots, slot, delta);
        } else {
            SLOT.setOpaque(slots, slot, (long) SLOT.getOpaque(slots, slot) + delta);
        }
    }
}
