package dev.topo.loadgen.compare;

import dev.topo.loadgen.compare.render.ServerTable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

/** The herd figure and the pool gauge, from canned scrape pairs shaped like the server's. */
@Timeout(value = 10, unit = TimeUnit.SECONDS)
class ServerFiguresTest {

    private static final String EMPTY = "topo_loop_accept_wakeups_empty_total";
    private static final String ACCEPTED = "topo_listener_connections_accepted_total";

    @Test
    void singleProcessSharedListenerDividesAllEmptyWakeupsByTheAccepts() {
        Map<String, Double> before = Metrics.parse("""
                topo_listener_connections_accepted_total{listener="0",} 10.0
                topo_loop_accept_wakeups_empty_total{listener="0",loop="topo-loop-0",} 5.0
                topo_loop_accept_wakeups_empty_total{listener="0",loop="topo-loop-1",} 7.0
                """);
        Map<String, Double> after = Metrics.parse("""
                topo_listener_connections_accepted_total{listener="0",} 210.0
                topo_loop_accept_wakeups_empty_total{listener="0",loop="topo-loop-0",} 105.0
                topo_loop_accept_wakeups_empty_total{listener="0",loop="topo-loop-1",} 157.0
                """);
        // (100 + 150) empty wake-ups over 200 connections accepted in the window, the counts before it left out.
        assertEquals(1.25, ServerFigures.herd(before, after), 1e-9);
    }

    @Test
    void processSharedListenerCountsEveryWorkersAcceptsAndWakeups() {
        Map<String, Double> before = Metrics.parse("");
        Map<String, Double> after = Metrics.parse("""
                topo_listener_connections_accepted_total{listener="0",worker="101"} 60.0
                topo_listener_connections_accepted_total{listener="0",worker="102"} 40.0
                topo_loop_accept_wakeups_empty_total{listener="0",loop="topo-loop-0-0",worker="101"} 30.0
                topo_loop_accept_wakeups_empty_total{listener="0",loop="topo-loop-0-0",worker="102"} 50.0
                topo_requests_served_total{worker="master"} 0.0
                """);
        assertEquals(100, ServerFigures.acceptedOnce(before, after));
        assertEquals(0.8, ServerFigures.herd(before, after), 1e-9);
    }

    @Test
    void fdPassingCountsTheMastersAcceptsOnceNotAgainInTheWorkersThatReceivedThem() {
        Map<String, Double> before = Metrics.parse("");
        Map<String, Double> after = Metrics.parse("""
                topo_listener_connections_accepted_total{listener="0",worker="master"} 100.0
                topo_listener_connections_accepted_total{listener="0",worker="101"} 50.0
                topo_listener_connections_accepted_total{listener="0",worker="102"} 50.0
                topo_loop_accept_wakeups_empty_total{listener="0",loop="topo-loop-0",worker="101"} 0.0
                """);
        assertEquals(100, ServerFigures.acceptedOnce(before, after));
        assertEquals(0.0, ServerFigures.herd(before, after), 1e-9);
    }

    @Test
    void nothingAcceptedIsNoFigure() {
        Map<String, Double> same = Metrics.parse(ACCEPTED + "{listener=\"0\",} 7.0\n" + EMPTY
                + "{listener=\"0\",loop=\"l\",} 3.0\n");
        assertNull(ServerFigures.herd(same, same));
        assertNull(ServerFigures.herd(Map.of(), Map.of()));
    }

    @Test
    void poolWorkersIsReadWithOrWithoutLabelsAndMissingIsMinusOne() {
        assertEquals(3, ServerFigures.poolWorkers(Metrics.parse("topo_pool_workers 3.0\n")));
        assertEquals(2, ServerFigures.poolWorkers(Metrics.parse("topo_pool_workers{worker=\"master\"} 2.0\n")));
        // topo_pool_busy_workers is another gauge, not the pool size.
        assertEquals(-1, ServerFigures.poolWorkers(Metrics.parse("topo_pool_busy_workers 1.0\n")));
        assertEquals(-1, ServerFigures.poolWorkers(Map.of()));
    }

    @Test
    void tableCellsShowHerdAndPoolRange() {
        assertEquals("n/a", ServerTable.herd(null));
        assertEquals("0.000", ServerTable.herd(0.0));
        assertEquals("0.004", ServerTable.herd(0.0041));
        assertEquals("1.250", ServerTable.herd(1.25));
        assertEquals("1-3", ServerTable.pool(List.of(new Results.PoolSample(0, 1),
                new Results.PoolSample(1, 3), new Results.PoolSample(2, 2))));
        assertEquals("2", ServerTable.pool(List.of(new Results.PoolSample(0, 2))));
        assertEquals("-", ServerTable.pool(List.of()));
    }
}
