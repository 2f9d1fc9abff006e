package dev.topo.loadgen.compare;

import dev.topo.loadgen.compare.render.Table;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

class RepeatsTest {

    private static final Scenario KEEPALIVE = CannedRuns.KEEPALIVE;

    private static Results.ConfigResult config(String name, double... rates) {
        List<Results.ConfigResult> attempts = new java.util.ArrayList<>();
        for (double r : rates) {
            attempts.add(new Results.ConfigResult(name, name + ".yaml", "reuseport", "http", Results.OK, null, "",
                    List.of(CannedRuns.run(r, 1000))));
        }
        return Repeats.mergeConfig(attempts, List.of(KEEPALIVE));
    }

    @Test
    void theMedianRunIsShownWithTheSpreadOfEachFigure() {
        Results.RunResult a = CannedRuns.run(900, 300);
        Results.RunResult b = CannedRuns.run(1000, 100);
        Results.RunResult c = CannedRuns.run(1200, 200);
        Results.RunResult closed = Repeats.merge(List.of(c, a, b), false);
        assertEquals(1000, closed.load().summary().achievedRate(), "median by req/s in closed loop");
        assertEquals(3, closed.repeats().n());
        assertEquals(new Repeats.Figure(900, 1000, 1200), closed.repeats().figures().get("req/s"));
        assertEquals(new Repeats.Figure(100, 200, 300), closed.repeats().figures().get("p99"));
        assertNull(closed.repeats().figures().get("cpu/req"), "no run measured it");
        assertEquals(200, Repeats.merge(List.of(c, a, b), true).load().summary().latency().p99Us(),
                "median by p99 in open loop");
        assertEquals(1050, Repeats.merge(List.of(a, c), false).figure("req/s", 0), "an even count: mean of two");
        Results.RunResult failed = Results.RunResult.failed("keepalive", "boom");
        assertSame(failed, Repeats.merge(List.of(a, failed, b), false), "a failure is not averaged away");
    }

    @Test
    void equalConfigurationsComeOutAsTies() {
        // Medians 8% apart, but the ranges overlap: a tie, no mark. The third is apart and more than 5% better.
        Results.Document doc = new Results.Document(Results.SCHEMA, "dev", "", "", null, null, null,
                List.of(KEEPALIVE), List.of(config("a", 950, 1000, 1050), config("b", 1040, 1080, 1120)));
        assertFalse(rateCell(doc, 0).best() || rateCell(doc, 1).best(), "overlapping spreads: a tie");
        Results.Document clear = new Results.Document(Results.SCHEMA, "dev", "", "", null, null, null,
                List.of(KEEPALIVE), List.of(config("a", 950, 1000, 1050), config("c", 1300, 1350, 1400)));
        assertTrue(rateCell(clear, 1).best(), "apart and 35% better");
        assertEquals("1350", rateCell(clear, 1).text(), "the median");
    }

    private static Table.Cell rateCell(Results.Document doc, int row) {
        return new Table(doc).rows().get(row).get(1);
    }

    @Test
    void rangesOverlapOrNot() {
        Repeats.Figure a = new Repeats.Figure(1, 2, 3);
        assertTrue(a.overlaps(new Repeats.Figure(3, 4, 5)));
        assertFalse(a.overlaps(new Repeats.Figure(3.5, 4, 5)));
        assertTrue(LikeWithLike.apart(a, java.util.Arrays.asList(a, new Repeats.Figure(4, 5, 6), null)));
        assertFalse(LikeWithLike.apart(a, List.of(a, new Repeats.Figure(2.5, 5, 6))));
        assertTrue(LikeWithLike.apart(null, List.of(a)), "no repeats: the 5% rule alone decides");
    }
}
