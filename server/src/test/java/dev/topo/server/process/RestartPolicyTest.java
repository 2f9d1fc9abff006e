package dev.topo.server.process;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The supervisor's restart decisions, without a process. */
@Timeout(5)
class RestartPolicyTest {
    private static final Duration YOUNG = Duration.ofMinutes(1);
    private static final Duration SOON = Duration.ofSeconds(2);
    private static final Duration LONG_LIVED = Duration.ofDays(7);

    @Test
    void youngDeathsBackOffDoublingThenGiveUpPastMaxRestarts() {
        RestartPolicy p = new RestartPolicy(3, YOUNG);
        assertEquals(100, p.onDeath(SOON));
        assertEquals(200, p.onDeath(SOON));
        assertEquals(400, p.onDeath(SOON));
        assertEquals(-1, p.onDeath(SOON), "the fourth young death in a row is one more than maxRestarts: 3");
    }

    @Test
    void aWorkerThatLivedPastTheWindowStartsTheCountAfresh() {
        RestartPolicy p = new RestartPolicy(2, YOUNG);
        p.onDeath(SOON);
        p.onDeath(SOON);
        assertEquals(100, p.onDeath(LONG_LIVED), "restarted at once, and the count is back to zero");
        assertEquals(0, p.diedYoungInARow());
        assertEquals(100, p.onDeath(SOON));
        assertEquals(200, p.onDeath(SOON));
        assertEquals(-1, p.onDeath(SOON));
    }

    @Test
    void maxRestartsZeroStillRestartsAWorkerThatDiedAfterAWeek() {
        RestartPolicy p = new RestartPolicy(0, YOUNG);
        assertEquals(100, p.onDeath(LONG_LIVED));
        assertEquals(-1, p.onDeath(SOON), "but gives up on the first young death");
    }

    @Test
    void backoffIsCappedAtTenSeconds() {
        RestartPolicy p = new RestartPolicy(1000, YOUNG);
        long last = 0;
        for (int i = 0; i < 30; i++) {
            last = p.onDeath(SOON);
        }
        assertEquals(10_000, last);
    }
}
