package dev.topo.server.hostile;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeFalse;
import static org.junit.jupiter.api.DynamicTest.dynamicTest;

import dev.topo.server.TopoServer;
import dev.topo.server.hostile.HostileCase.Need;
import dev.topo.server.hostile.HostileCases.Outcome;
import dev.topo.server.metrics.LoopStats;
import dev.topo.server.testing.Servers;
import java.io.File;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
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
 * Every hostile case against every single-process topology, on one server per topology with short limits: each case
 * answered with its status or cut within its limit, then a fresh client served; afterwards no buffer leaked (a leak
 * report fails) and no file descriptor left open. The multi-process kinds: {@link HostileProcessSuiteTest}.
 */
@ParameterizedClass(name = "{0}")
@MethodSource("topologies")
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class HostileSuiteTest {
    static final int MIN_CASES = 60;

    static Stream<Arguments> topologies() {
        Set<Need> all = EnumSet.allOf(Need.class);
        Set<Need> blocking = EnumSet.of(Need.CONCURRENCY, Need.NON_BLOCKING_WRITES);
        return Stream.of(
                Arguments.of("single-acceptor", "topology: {kind: single-acceptor, workers: 2}\ntransport: epoll\n",
                        all),
                Arguments.of("single-acceptor-nio", "topology: {kind: single-acceptor, workers: 2}\ntransport: nio\n",
                        all),
                Arguments.of("single-acceptor-offload",
                        "topology: {kind: single-acceptor, workers: 1}\nhandler: {offloadThreads: 4}\n", all),
                Arguments.of("single-acceptor-shared-queue", "topology: {kind: single-acceptor, workers: 1}\n"
                        + "handler: {offloadThreads: 4, offload: shared-queue}\n", all),
                Arguments.of("reuseport-shared-nothing",
                        "topology: {kind: reuseport, listeners: 2, workersPerListener: 0}\n", all),
                Arguments.of("reuseport-pools", "topology: {kind: reuseport, listeners: 2, workersPerListener: 2}\n",
                        all),
                Arguments.of("shared-listener", "topology: {kind: shared-listener, loops: 3}\n", all),
                Arguments.of("iterative", "topology: {kind: iterative}\n", EnumSet.of(Need.NON_BLOCKING_WRITES)),
                Arguments.of("thread-per-connection", "topology: {kind: thread-per-connection, threads: platform}\n",
                        blocking),
                Arguments.of("thread-pool", "topology: {kind: thread-pool, workers: 24, queue: 256}\n", blocking));
    }

    @Parameter(0)
    String name;

    @Parameter(1)
    String topologyYaml;

    @Parameter(2)
    Set<Need> provided;

    @TestFactory
    Stream<DynamicTest> everyCase() throws Exception {
        LeakWatch.install();
        SuiteLimits limits = SuiteLimits.suite();
        TopoServer server = Servers.start(topologyYaml + limits.yaml());
        List<Outcome> outcomes;
        int fdsBefore;
        int fdsAfter;
        try {
            Probes.servesNextClient(server.address(), limits);
            awaitNoConnections(server);
            fdsBefore = openFds();
            outcomes = HostileCases.run(server.address(), limits, provided,
                    provided.contains(Need.CONCURRENCY) ? 8 : 1);
            awaitNoConnections(server);
            fdsAfter = openFds();
        } finally {
            server.stop();
        }
        List<String> leaks = LeakWatch.leaksSoFar();
        List<DynamicTest> tests = new ArrayList<>();
        for (Outcome o : outcomes) {
            tests.add(dynamicTest(o.hostileCase().toString(), () -> {
                assumeFalse(o.skipped(), "not on " + name + ": the case needs " + o.hostileCase().needs());
                if (o.failure() != null) {
                    throw new AssertionError(o.hostileCase() + " on " + name + " (" + o.millis() + " ms)", o.failure());
                }
            }));
        }
        long ran = outcomes.stream().filter(o -> !o.skipped()).count();
        tests.add(dynamicTest("at least " + MIN_CASES + " cases ran", () -> assertTrue(ran >= MIN_CASES,
                ran + " ran")));
        tests.add(dynamicTest("no buffer leaked", () -> {
            assertTrue(LeakWatch.paranoid(), "the suite runs with -Dio.netty.leakDetection.level=paranoid");
            assertEquals(List.of(), leaks);
        }));
        tests.add(dynamicTest("no file descriptor leaked", () -> assertTrue(fdsAfter - fdsBefore <= 2,
                "open fds " + fdsBefore + " -> " + fdsAfter)));
        return tests.stream();
    }

    /**
     * Every connection the cases opened is closed on the server's side too (bounded: 10 s). Counted by the loops: a
     * lingering connection has given its maxConnections slot back but is still open.
     */
    static void awaitNoConnections(TopoServer server) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (openOnLoops(server) > 0 && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        assertEquals(0, openOnLoops(server), "connections still open on the server");
        assertEquals(0, server.metrics().activeConnections(), "maxConnections slots still taken");
    }

    private static long openOnLoops(TopoServer server) {
        return server.metrics().listeners().stream().flatMap(l -> l.loops().stream())
                .mapToLong(LoopStats::activeConnections).sum();
    }

    static int openFds() {
        String[] fds = new File("/proc/self/fd").list();
        return fds == null ? -1 : fds.length;
    }
}
