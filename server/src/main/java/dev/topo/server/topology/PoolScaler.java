package dev.topo.server.topology;

import dev.topo.config.ProcessPool;

/**
 * php-fpm's rule for a dynamic pool, one decision per interval: a worker is busy when it has a request in progress
 * (received, not yet answered); fewer than {@code minSpare} idle workers and room below {@code max}: start one; more
 * than {@code maxSpare} idle and more than {@code min}: stop one; else nothing.
 */
final class PoolScaler {
    enum Change { GROW, SHRINK, HOLD }

    private PoolScaler() {
    }

    static Change decide(ProcessPool pool, int active, int busy) {
        int idle = active - busy;
        if (active < pool.min() || idle < pool.minSpare() && active < pool.max()) {
            return Change.GROW;
        }
        if (idle > pool.maxSpare() && active > pool.min()) {
            return Change.SHRINK;
        }
        return Change.HOLD;
    }
}
