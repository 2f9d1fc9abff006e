package dev.topo.loadgen.compare;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;

class VerdictsTest {

    @Test
    void theWinnerByHowMuchAndWhatFailed() {
        Results.Document doc = CannedRuns.doc(CannedRuns.config("single-acceptor", CannedRuns.run(1000, 500)),
                CannedRuns.config("reuseport", CannedRuns.run(1300, 400)),
                CannedRuns.config("iterative", CannedRuns.run(200, 9000, Map.of("timeout", 31L, "reset", 2L))));
        assertEquals(Map.of("keepalive", List.of("reuseport: most req/s, 1300 (1.30x single-acceptor's)",
                "iterative: 33 of 233 requests failed (31 timeout, 2 reset)")), Verdicts.of(doc));
    }

    @Test
    void withinFivePercentIsATie() {
        Results.Document doc = CannedRuns.doc(CannedRuns.config("a", CannedRuns.run(1000, 500)),
                CannedRuns.config("b", CannedRuns.run(1040, 500)));
        assertEquals(List.of("b and a: most req/s, a tie (within 5%)"), Verdicts.of(doc).get("keepalive"));
    }
}
