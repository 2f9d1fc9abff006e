package dev.topo.loadgen.compare;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class LikeWithLikeTest {

    @Test
    void anOpenLoopRunThatMissedItsRateByMoreThanTwoPercentIsNotComparable() {
        assertNull(LikeWithLike.notComparable(1000, 985), "1.5% short");
        assertNull(LikeWithLike.notComparable(1000, 1019));
        assertEquals("achieved 970 of 1000 req/s offered (-3.0%)", LikeWithLike.notComparable(1000, 970));
        assertNull(LikeWithLike.notComparable(0, 5), "a closed loop offers no rate to miss");
    }

    @Test
    void latencyRanksInOpenLoopOnlyAndRateInClosedLoopOnly() {
        assertTrue(LikeWithLike.ranksLatency(1000));
        assertFalse(LikeWithLike.ranksLatency(0));
        assertTrue(LikeWithLike.ranksRate(0));
        assertFalse(LikeWithLike.ranksRate(1000));
    }

    @Test
    void onlyAClearBestIsMarked() {
        assertTrue(LikeWithLike.clearBest(110, List.of(110.0, 100.0, 90.0), true));
        assertFalse(LikeWithLike.clearBest(104, List.of(104.0, 100.0), true), "within 5%: a tie");
        assertTrue(LikeWithLike.clearBest(90, List.of(100.0, 90.0), false), "lower is better, 11% lower");
        assertFalse(LikeWithLike.clearBest(0, List.of(0.0, 0.0, 3.0), false), "two equal bests");
        assertFalse(LikeWithLike.clearBest(5, List.of(5.0), true), "a lone value");
        assertTrue(LikeWithLike.clearBest(0, List.of(0.0, 3.0, Double.NaN), false));
    }
}
