package dev.topo.loadgen.engine;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.function.Executable;

import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A spec is checked when built, and says what is wrong in the spec's own words: field, value, expectation. */
@Timeout(5)
class LoadSpecTest {

    private static LoadSpec.Builder http() {
        return LoadSpec.builder(Target.parse("http://127.0.0.1:8080/"));
    }

    private static String refused(Executable build) {
        return assertThrows(InvalidValueException.class, build).getMessage();
    }

    @Test
    void fieldsAreNamedAsInTheSpecWithTheValueAsGiven() {
        assertEquals("rate: -1 (expected: >= 0)", refused(() -> http().rate(-1).build()));
        assertEquals("connectRate: -0.5 (expected: >= 0)", refused(() -> http().connectRate(-0.5).build()));
        assertEquals("connectRate: Infinity (expected: a finite number)",
                refused(() -> http().connectRate(Double.POSITIVE_INFINITY).build()));
        assertEquals("connections: 0 (expected: >= 1)", refused(() -> http().connections(0).build()));
        assertEquals("threads: 4 (expected: 1..2, as threads <= connections)",
                refused(() -> http().connections(2).threads(4).build()));
        assertEquals("duration: 0s (expected: > 0)", refused(() -> http().duration(Duration.ZERO).build()));
        assertEquals("timeout: -500ms (expected: > 0)",
                refused(() -> http().timeout(Duration.ofMillis(-500)).build()));
        assertTrue(refused(() -> http().pipeline(2).connectionMode(ConnectionMode.PER_REQUEST).build())
                .startsWith("pipeline: 2 (expected: 1 with connectionMode per-request"));
        assertTrue(refused(() -> LoadSpec.builder(Target.parse("tcp://127.0.0.1:7")).closeMode(CloseMode.SERVER)
                .build()).startsWith("closeMode: 'server' (expected: client or reset with a tcp:// target"));
    }

    @Test
    void zeroRateIsTheClosedLoopAndAllowed() {
        LoadSpec closed = http().rate(0).connectRate(0).build();
        assertEquals(0, closed.rate());
        assertTrue(!closed.openLoop());
    }

    @Test
    void parsedValuesUseTheSameShape() {
        assertEquals("connectionMode: 'sometimes' (expected: keepalive or per-request)",
                refused(() -> ConnectionMode.parse("sometimes")));
        assertEquals(ConnectionMode.PER_REQUEST, ConnectionMode.parse("Per-Request"));
        assertEquals("closeMode: 'later' (expected: server, client or reset)", refused(() -> CloseMode.parse("later")));
        assertEquals("headers: 'no colon' (expected: 'Name: value')", refused(() -> LoadSpec.Header.parse("no colon")));
        assertEquals(new LoadSpec.Header("X-A", "b: c"), LoadSpec.Header.parse(" X-A :  b: c"));
        assertTrue(refused(() -> Target.parse("ftp://127.0.0.1:1/"))
                .startsWith("target: 'ftp://127.0.0.1:1/' (expected: http://host[:port][/path] or tcp://host:port"));
        assertEquals("target: 'tcp://h' (expected: a port with tcp://host:port)",
                refused(() -> Target.parse("tcp://h")));
    }
}
