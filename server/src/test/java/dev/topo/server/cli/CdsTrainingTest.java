package dev.topo.server.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The launcher records the server's class cache from this run: an exchange that failed would leave classes out. */
@Timeout(30)
class CdsTrainingTest {

    @Test
    void everyRouteAndTheSwitchAnswer() throws Exception {
        assertEquals(0, CdsTraining.train());
    }
}
