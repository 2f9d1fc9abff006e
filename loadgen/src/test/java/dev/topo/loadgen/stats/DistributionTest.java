package dev.topo.loadgen.stats;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

@Timeout(5)
class DistributionTest {

    @Test
    void evenSpreadIsFair() {
        Distribution d = Distribution.of(new long[]{5, 5, 5, 5});
        assertEquals(1.0, d.jain(), 1e-12);
        assertEquals(0.0, d.cv(), 1e-12);
        assertEquals(5, d.min());
        assertEquals(5, d.max());
    }

    @Test
    void allInOneBucketIsOneOverN() {
        Distribution d = Distribution.of(new long[]{8, 0, 0, 0});
        assertEquals(0.25, d.jain(), 1e-12);
        // mean 2, population stdev sqrt((36 + 4 + 4 + 4) / 4) = sqrt(12)
        assertEquals(Math.sqrt(12) / 2, d.cv(), 1e-12);
        assertEquals(0, d.min());
        assertEquals(8, d.max());
    }

    @Test
    void unevenSpread() {
        Distribution d = Distribution.of(new long[]{1, 2, 3});
        assertEquals(36.0 / 42, d.jain(), 1e-12);
        assertEquals(Math.sqrt(2.0 / 3) / 2, d.cv(), 1e-12);
        assertEquals(2.0, d.mean(), 1e-12);
    }

    @Test
    void mergesThreadsByValueInNaturalOrder() {
        SpreadTable t = SpreadTable.merge("X-Topo-Loop", List.of(
                List.of(new SpreadCounter.Count("w-10", 5, 1), new SpreadCounter.Count("w-9", 1, 1)),
                List.of(new SpreadCounter.Count("w-9", 3, 2), new SpreadCounter.Count("w-2", 4, 1))));
        assertEquals(List.of(new SpreadCounter.Count("w-2", 4, 1), new SpreadCounter.Count("w-9", 4, 3),
                new SpreadCounter.Count("w-10", 5, 1)), t.entries());
        assertEquals(4, t.responses().min());
        assertEquals(5, t.responses().max());
        assertEquals(169.0 / (3 * 57), t.responses().jain(), 1e-12);
    }
}
