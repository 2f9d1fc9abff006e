package dev.topo.server.topology;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.topo.config.ProcessPool;
import dev.topo.server.topology.PoolScaler.Change;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The dynamic pool's decisions, without processes. */
@Timeout(5)
class PoolScalerTest {
    private static final ProcessPool POOL = new ProcessPool(2, 6, 1, 3);

    @Test
    void growsWhenTooFewAreIdleAndThereIsRoom() {
        assertEquals(Change.GROW, PoolScaler.decide(POOL, 2, 2), "2 busy of 2: no spare");
        assertEquals(Change.GROW, PoolScaler.decide(POOL, 5, 5));
        assertEquals(Change.HOLD, PoolScaler.decide(POOL, 6, 6), "at max it waits, however busy");
        assertEquals(Change.GROW, PoolScaler.decide(POOL, 1, 0), "below min, whatever the load");
    }

    @Test
    void shrinksWhenTooManyAreIdleAndAboveMin() {
        assertEquals(Change.SHRINK, PoolScaler.decide(POOL, 6, 2), "4 idle > maxSpare 3");
        assertEquals(Change.HOLD, PoolScaler.decide(POOL, 5, 2), "3 idle: within the spares");
        assertEquals(Change.HOLD, PoolScaler.decide(POOL, 2, 0), "2 idle but at min");
        assertEquals(Change.HOLD, PoolScaler.decide(POOL, 3, 1), "2 idle, between minSpare and maxSpare");
    }

    @Test
    void aFixedPoolNeverChanges() {
        ProcessPool fixed = ProcessPool.fixed(4);
        for (int busy = 0; busy <= 4; busy++) {
            assertEquals(Change.HOLD, PoolScaler.decide(fixed, 4, busy), busy + " busy");
        }
    }
}
