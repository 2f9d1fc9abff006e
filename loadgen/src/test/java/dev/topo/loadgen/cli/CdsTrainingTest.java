package dev.topo.loadgen.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The launcher records its class cache from this run: if a load failed, the cache would miss its classes. */
@Timeout(30)
class CdsTrainingTest {

    @Test
    void everyTrainingLoadRunsAgainstTheServerInTheJvm() throws Exception {
        assertEquals(0, CdsTraining.train());
    }
}
