package dev.topo.server.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The three timeouts on the real pipeline with the shipped defaults (request 10 s, idle 60 s), on a clock the test
 * moves: each fires at its deadline to the tick, however the client's bytes trickle in.
 */
@Timeout(10)
class TimeoutsTest {
    private static final long STEP_MS = 100;

    /** Trickles {@code piece} every 100 ms until something is answered; returns the milliseconds that took. */
    private static long trickleUntilAnswered(PipelineHarness h, String first, String piece) {
        h.send(first);
        long elapsed = 0;
        while (h.output().isEmpty() && elapsed < 120_000) {
            h.advance(STEP_MS, TimeUnit.MILLISECONDS);
            elapsed += STEP_MS;
            if (h.output().isEmpty()) {
                h.send(piece);
            }
        }
        return elapsed;
    }

    @Test
    void headerLinesTrickledEvery100msGet408AtTheRequestTimeout() {
        try (PipelineHarness h = new PipelineHarness("")) {
            long took = trickleUntilAnswered(h, "GET / HTTP/1.1\r\nHost: x\r\n", "X-Slow: 1\r\n");
            assertEquals(10_000, took, "408 at requestTimeout (10 s), not at the idle check (60 s)");
            assertEquals(List.of(408), h.statuses(), h.output());
            assertTrue(h.output().contains("Connection: close"), h.output());
            assertFalse(h.isOpen());
        }
    }

    @Test
    void aRequestLineTrickledByteByByteGets408() {
        try (PipelineHarness h = new PipelineHarness("")) {
            long took = trickleUntilAnswered(h, "G", "E");
            assertEquals(10_000, took);
            assertEquals(List.of(408), h.statuses());
        }
    }

    @Test
    void aBodyTrickledByteByByteGets408() {
        try (PipelineHarness h = new PipelineHarness("")) {
            long took = trickleUntilAnswered(h, "POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 1000\r\n\r\n", "a");
            assertEquals(10_000, took);
            assertEquals(List.of(408), h.statuses());
        }
    }

    @Test
    void anEchoTrickledByteByByteIsCutAtTheRequestTimeout() {
        try (PipelineHarness h = new PipelineHarness("")) {
            h.send("POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 1000\r\n\r\n");
            long elapsed = 0;
            while (h.isOpen() && elapsed < 120_000) {
                h.send("a");
                h.advance(STEP_MS, TimeUnit.MILLISECONDS);
                elapsed += STEP_MS;
            }
            assertEquals(10_000, elapsed, "the echo had begun, so there is no 408 to send: the connection is cut");
            assertTrue(h.output().startsWith("HTTP/1.1 200 OK\r\n"), h.output());
        }
    }

    @Test
    void theRequestClockStartsAgainWithEachRequest() {
        try (PipelineHarness h = new PipelineHarness("")) {
            for (int i = 0; i < 3; i++) {
                h.send("GET / HTTP/1.1\r\n");
                h.advance(9_000, TimeUnit.MILLISECONDS);
                h.send("Host: x\r\n\r\n");
                h.advance(9_000, TimeUnit.MILLISECONDS);
            }
            assertEquals(List.of(200, 200, 200), h.statuses(), "9 s per request is within the 10 s limit");
            h.send("GET / HTTP/1.1\r\n");
            h.advance(9_999, TimeUnit.MILLISECONDS);
            assertEquals(3, h.statuses().size(), "not a millisecond early");
            h.advance(1, TimeUnit.MILLISECONDS);
            assertEquals(List.of(200, 200, 200, 408), h.statuses());
        }
    }

    @Test
    void idleConnectionsCloseAtTheIdleTimeoutCountedFromTheLastResponse() {
        try (PipelineHarness h = new PipelineHarness("")) {
            h.send("GET / HTTP/1.1\r\nHost: x\r\n\r\n");
            h.advance(59_999, TimeUnit.MILLISECONDS);
            assertTrue(h.isOpen());
            h.advance(1, TimeUnit.MILLISECONDS);
            assertFalse(h.isOpen(), "closed at idleTimeout (60 s)");
            assertEquals(List.of(200), h.statuses(), "without a response");
        }
    }

    @Test
    void emptyLinesDoNotKeepAConnectionAlive() {
        try (PipelineHarness h = new PipelineHarness("")) {
            h.send("\r\n");
            h.advance(9_000, TimeUnit.MILLISECONDS);
            h.send("\r\n");
            h.advance(1_000, TimeUnit.MILLISECONDS);
            assertEquals(List.of(408), h.statuses(), "bytes before a request line start the request clock");
        }
    }

    @Test
    void shortLimitsHoldToo() {
        try (PipelineHarness h = new PipelineHarness("limits: {requestTimeout: 400ms, idleTimeout: 1s}\n")) {
            long took = trickleUntilAnswered(h, "GET / HTTP/1.1\r\n", "X: y\r\n");
            assertEquals(400, took);
        }
    }
}
