package dev.topo.server.process;

import java.time.Duration;

/**
 * When a supervisor restarts a slot's worker, and when it gives up: a worker that dies within {@code young} of its
 * start counts towards {@code maxRestarts} deaths in a row, one that lived longer starts the count afresh; the
 * backoff doubles with each young death, from 100 ms up to 10 s. One per slot; not thread-safe (the supervisor
 * holds the slot's lock).
 */
final class RestartPolicy {
    static final Duration YOUNG = Duration.ofMinutes(1);
    private static final long FIRST_BACKOFF_MILLIS = 100;
    private static final long MAX_BACKOFF_MILLIS = 10_000;

    private final int maxRestarts;
    private final Duration young;
    private int diedYoungInARow;

    RestartPolicy(int maxRestarts, Duration young) {
        this.maxRestarts = maxRestarts;
        this.young = young;
    }

    /** Records a death after {@code uptime}; returns the backoff before the restart, or -1 to give up. */
    long onDeath(Duration uptime) {
        diedYoungInARow = uptime.compareTo(young) < 0 ? diedYoungInARow + 1 : 0;
        if (diedYoungInARow > maxRestarts) {
            return -1;
        }
        return Math.min(MAX_BACKOFF_MILLIS, FIRST_BACKOFF_MILLIS << Math.min(20, Math.max(0, diedYoungInARow - 1)));
    }

    /** Young deaths in a row so far. */
    int diedYoungInARow() {
        return diedYoungInARow;
    }
}
