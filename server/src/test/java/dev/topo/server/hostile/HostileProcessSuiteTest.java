package dev.topo.server.hostile;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeFalse;
import static org.junit.jupiter.api.DynamicTest.dynamicTest;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.topo.server.TopoServer;
import dev.topo.server.hostile.HostileCase.Need;
import dev.topo.server.hostile.HostileCases.Outcome;
import dev.topo.server.testing.Servers;
import java.io.File;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The hostile cases against the multi-process kinds, one master (this JVM) and its worker JVMs per kind. Workers run
 * the same pipeline as {@link HostileSuiteTest}'s servers, so the point here is the path through the master: fd
 * passing, a lent socket, the kernel's spread. Every case runs on process-reuseport, process-fd-passing and
 * process-shared-listener (a dynamic pool of fd-passing workers is the same kind and pipeline, and left out: it
 * would start JVMs under the timed cases); process-per-connection, which starts a JVM for every connection, runs
 * six cases of different groups, none "slow" (the client's clock would include the JVM start). Leak reports of
 * worker JVMs are not visible here; open fds of the master and of every worker are counted before and after.
 */
@ParameterizedClass(name = "{0}")
@MethodSource("kinds")
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class HostileProcessSuiteTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    /** process-per-connection: these only. */
    private static final Set<String> PER_CONNECTION_CASES = Set.of("bare CR line ends",
            "Content-Length with Transfer-Encoding (CL.TE)", "three pipelined, then FIN",
            "reset in the middle of a head", "HTTP/2 prior-knowledge preface", "input after a 413 is drained, not reset");

    static Stream<Arguments> kinds() {
        return Stream.of(
                Arguments.of("process-reuseport",
                        "topology: {kind: process-reuseport, processes: 2, listeners: 1, workersPerListener: 0}\n"),
                Arguments.of("process-fd-passing", "topology: {kind: process-fd-passing, processes: 2, workers: 1}\n"),
                Arguments.of("process-shared-listener",
                        "topology: {kind: process-shared-listener, processes: 2, loops: 1}\n"),
                Arguments.of("process-per-connection", "topology: {kind: process-per-connection, maxChildren: 16}\n"));
    }

    @Parameter(0)
    String name;

    @Parameter(1)
    String topologyYaml;

    @TestFactory
    Stream<DynamicTest> everyCase() throws Exception {
        boolean perConnection = name.equals("process-per-connection");
        // A per-connection child answers only once its JVM has started (1-4 s here).
        SuiteLimits limits = perConnection ? SuiteLimits.suite().withAtOnce(Duration.ofSeconds(15))
                : SuiteLimits.suite();
        TopoServer server = Servers.start(topologyYaml + limits.yaml());
        List<Outcome> outcomes;
        Map<String, Integer> fdsBefore;
        Map<String, Integer> fdsAfter;
        try {
            Probes.servesNextClient(server.address(), limits);
            if (!perConnection) {
                HostileCases.warmUp(server.address(), limits);
            }
            fdsBefore = openFds(server, perConnection);
            List<HostileCase> cases = HostileCases.all(limits).stream()
                    .filter(c -> !perConnection || PER_CONNECTION_CASES.contains(c.name())).toList();
            outcomes = HostileCases.run(server.address(), limits, EnumSet.allOf(Need.class), perConnection ? 3 : 8,
                    cases);
            awaitFlat(server, perConnection, fdsBefore);
            fdsAfter = openFds(server, perConnection);
        } finally {
            server.stop();
        }
        List<DynamicTest> tests = new ArrayList<>();
        for (Outcome o : outcomes) {
            tests.add(dynamicTest(o.hostileCase().toString(), () -> {
                assumeFalse(o.skipped(), "not on " + name);
                if (o.failure() != null) {
                    throw new AssertionError(o.hostileCase() + " on " + name + " (" + o.millis() + " ms)", o.failure());
                }
            }));
        }
        int expected = perConnection ? PER_CONNECTION_CASES.size() : HostileSuiteTest.MIN_CASES;
        long ran = outcomes.stream().filter(o -> !o.skipped()).count();
        tests.add(dynamicTest("at least " + expected + " cases ran", () -> assertTrue(ran >= expected, ran + "")));
        tests.add(dynamicTest("no file descriptor leaked in the master or a worker", () -> {
            for (Map.Entry<String, Integer> e : fdsBefore.entrySet()) {
                Integer after = fdsAfter.get(e.getKey());
                assertTrue(after != null && after - e.getValue() <= 2, e.getKey() + ": open fds " + e.getValue()
                        + " -> " + after);
            }
        }));
        return tests.stream();
    }

    /** Open fds of the master and of each worker (by pid), as /proc shows them. */
    private static Map<String, Integer> openFds(TopoServer server, boolean perConnection) throws Exception {
        Map<String, Integer> fds = new LinkedHashMap<>();
        // Ask the admin endpoint first: its HTTP client's own sockets and selector must be open in both counts.
        JsonNode workers = JSON.readTree(Servers.admin(server, "/topology")).path("workers");
        fds.put("master", count("/proc/self/fd"));
        if (!perConnection) {
            for (JsonNode w : workers) {
                fds.put("worker " + w.get("pid").asLong(), count("/proc/" + w.get("pid").asLong() + "/fd"));
            }
        }
        return fds;
    }

    /** Closed connections take a moment to be reported back to a master: wait (bounded) until the counts settle. */
    private static void awaitFlat(TopoServer server, boolean perConnection, Map<String, Integer> before)
            throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (System.nanoTime() < deadline) {
            Map<String, Integer> now = openFds(server, perConnection);
            if (now.entrySet().stream().allMatch(e -> before.containsKey(e.getKey())
                    && e.getValue() - before.get(e.getKey()) <= 2)) {
                return;
            }
            Thread.sleep(100);
        }
    }

    private static int count(String dir) {
        String[] fds = new File(dir).list();
        return fds == null ? -1 : fds.length;
    }
}
