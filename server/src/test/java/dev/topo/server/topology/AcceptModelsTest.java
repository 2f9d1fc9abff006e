package dev.topo.server.topology;

import static dev.topo.server.testing.RawHttp.get;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.topo.config.ConfigException;
import dev.topo.server.TopoServer;
import dev.topo.server.metrics.LoopStats;
import dev.topo.server.testing.RawHttp;
import dev.topo.server.testing.Servers;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.SocketTimeoutException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** What distinguishes each in-process accept model, each asserted on a real server. */
@Timeout(60)
class AcceptModelsTest {

    @Test
    void sharedListenerLoopsAllAcceptAndTheHerdIsCounted() throws Exception {
        TopoServer server = Servers.start("topology: {kind: shared-listener, loops: 4}\n");
        try {
            Set<String> loops = new HashSet<>();
            for (int i = 0; i < 400 && loops.size() < 2; i++) {
                try (RawHttp c = new RawHttp(server.address())) {
                    RawHttp.Response r = c.exchange(get("/"));
                    // Every loop accepts for the same listener and serves what it accepted itself.
                    assertEquals("0", r.listener());
                    assertTrue(r.loop().startsWith("topo-loop-0-"), r.loop());
                    loops.add(r.loop());
                }
            }
            assertTrue(loops.size() > 1, "connections were accepted by more than one loop: " + loops);
            // The herd: a connection wakes every idle loop watching the socket, one accepts it, the others find
            // nothing. epoll drops a wake-up whose socket is no longer readable by the time the loop runs, so on two
            // busy CPUs a loser must run at the same moment as the winner: bursts of eight clients at once, until
            // one shows (bounded).
            double empty = 0;
            for (int burst = 0; burst < 20 && empty == 0; burst++) {
                assertEquals(400, Servers.burst(server.address(), 8, 50));
                String scrape = Servers.admin(server, "/metrics");
                for (LoopStats loop : server.metrics().listeners().get(0).loops()) {
                    empty += Servers.metric(scrape, "topo_loop_accept_wakeups_empty_total{listener=\"0\",loop=\""
                            + loop.name() + "\"}");
                }
            }
            assertTrue(empty > 0, "four loops on one socket woke for nothing at least once: " + empty);
            assertTrue(Servers.admin(server, "/topology").contains("\"emptyAcceptWakeups\""));
            assertEquals(4, server.metrics().listeners().get(0).loops().size());
        } finally {
            server.stop();
        }
    }

    @Test
    void iterativeServesOneConnectionAtATime() throws Exception {
        TopoServer server = Servers.start("topology: {kind: iterative}\n");
        try (RawHttp first = new RawHttp(server.address()); RawHttp second = new RawHttp(server.address())) {
            assertEquals(200, first.exchange(get("/")).status());
            second.send(get("/"));
            second.socket().setSoTimeout(700);
            assertThrows(SocketTimeoutException.class, second::read,
                    "the second client waits while the first holds its keep-alive connection");
            first.close();
            second.socket().setSoTimeout(5_000);
            assertEquals(200, second.read().status(), "and is served once the first has gone");
        } finally {
            server.stop();
        }
    }

    /** Eight clients each ask for a 200 ms sleep at once: one blocked loop serializes them, offload does not. */
    @Test
    void offloadKeepsBlockingHandlersOffTheLoop() throws Exception {
        long onLoop = eightSleepsMillis("topology: {kind: single-acceptor, workers: 1}\n");
        long offloaded = eightSleepsMillis("topology: {kind: single-acceptor, workers: 1}\n"
                + "handler: {offloadThreads: 8}\n");
        assertTrue(onLoop >= 8 * 200 * 0.9, "on the loop the sleeps add up: " + onLoop + " ms");
        assertTrue(onLoop / (double) offloaded > 3, "offloaded: " + offloaded + " ms vs on the loop: " + onLoop
                + " ms");
    }

    private static long eightSleepsMillis(String yaml) throws Exception {
        TopoServer server = Servers.start(yaml);
        ExecutorService clients = Executors.newFixedThreadPool(8);
        try {
            List<RawHttp> connections = new ArrayList<>();
            for (int i = 0; i < 8; i++) {
                RawHttp c = new RawHttp(server.address());
                assertEquals(200, c.exchange(get("/")).status());
                connections.add(c);
            }
            long began = System.nanoTime();
            List<Future<Integer>> done = new ArrayList<>();
            for (RawHttp c : connections) {
                done.add(clients.submit(() -> c.exchange(get("/work?sleep=200ms")).status()));
            }
            for (Future<Integer> f : done) {
                assertEquals(200, f.get(10, TimeUnit.SECONDS));
            }
            long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - began);
            for (RawHttp c : connections) {
                c.close();
            }
            return millis;
        } finally {
            clients.shutdownNow();
            server.stop();
        }
    }

    /** Connections are opened one by one, so that each is known to be taken by a thread or queued before the next. */
    @Test
    void threadPoolRejectsOrBlocksWhenItsQueueIsFull() throws Exception {
        TopoServer reject = Servers.start("topology: {kind: thread-pool, workers: 1, queue: 1, whenFull: reject}\n");
        try (RawHttp busy = new RawHttp(reject.address())) {
            assertEquals(200, busy.exchange(get("/")).status());
            try (RawHttp queued = new RawHttp(reject.address())) {
                queued.send(get("/"));
                awaitAccepted(reject, 2);
                try (RawHttp third = new RawHttp(reject.address())) {
                    RawHttp.Response r = third.exchange(get("/"));
                    assertEquals(503, r.status(), "no thread and no room in the queue");
                    assertEquals("topo-acceptor-0", r.loop(), "the acceptor answered it, and says so");
                    assertTrue(third.closedByServer());
                }
                busy.close();
                assertEquals(200, queued.read().status(), "the queued connection is served when a thread frees up");
            }
            assertTrue(reject.metrics().rejectedConnections() >= 1);
        } finally {
            reject.stop();
        }
        TopoServer block = Servers.start("topology: {kind: thread-pool, workers: 1, queue: 1, whenFull: block}\n");
        try (RawHttp busy = new RawHttp(block.address())) {
            assertEquals(200, busy.exchange(get("/")).status());
            try (RawHttp queued = new RawHttp(block.address())) {
                queued.send(get("/"));
                awaitAccepted(block, 2);
                try (RawHttp third = new RawHttp(block.address())) {
                    third.send(get("/"));
                    third.socket().setSoTimeout(500);
                    assertThrows(SocketTimeoutException.class, third::read, "the acceptor waits instead of rejecting");
                    busy.close();
                    assertEquals(200, queued.read().status());
                    queued.close();
                    third.socket().setSoTimeout(5_000);
                    assertEquals(200, third.read().status());
                }
            }
        } finally {
            block.stop();
        }
    }

    /** The acceptor has taken {@code n} connections off the backlog (so the queue state is known). */
    private static void awaitAccepted(TopoServer server, long n) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (server.metrics().listeners().get(0).acceptedConnections() < n) {
            assertTrue(System.nanoTime() < deadline, "the acceptor never took connection " + n);
            Thread.sleep(10);
        }
    }

    @Test
    void threadPerConnectionNamesEachConnectionsThread() throws Exception {
        TopoServer server = Servers.start("topology: {kind: thread-per-connection, maxThreads: 4}\n");
        try (RawHttp a = new RawHttp(server.address()); RawHttp b = new RawHttp(server.address())) {
            String first = a.exchange(get("/")).loop();
            String second = b.exchange(get("/")).loop();
            assertTrue(first.startsWith("topo-conn-") && second.startsWith("topo-conn-"), first + " " + second);
            assertTrue(!first.equals(second), "one thread per connection");
            assertEquals(first, a.exchange(get("/")).loop());
        } finally {
            server.stop();
        }
    }

    /** A port that is taken fails the start with the address and the reason, and leaves nothing running. */
    @ParameterizedTest
    @ValueSource(strings = {"iterative", "thread-per-connection", "thread-pool", "single-acceptor"})
    void portInUseIsAClearErrorForEveryKind(String kind) throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            UncheckedIOException e = assertThrows(UncheckedIOException.class, () -> TopoServer.start(Servers.config(
                    "bind: {host: 127.0.0.1, port: " + taken.getLocalPort() + "}\nadmin: {enabled: false}\n"
                            + "topology: {kind: " + kind + "}\n")));
            assertTrue(e.getCause().getMessage().startsWith("cannot listen on 127.0.0.1:" + taken.getLocalPort()),
                    e.getCause().getMessage());
        }
    }

    /** Virtual threads run on a Java 21+ JVM; on an older one the server refuses to start with a clear reason. */
    @Test
    void virtualThreadsNeedJava21() throws Exception {
        String yaml = "topology: {kind: thread-per-connection, threads: virtual}\n";
        if (Runtime.version().feature() < 21) {
            ConfigException e = assertThrows(ConfigException.class, () -> Servers.start(yaml));
            assertEquals("topology.threads: 'virtual' (expected: platform on this JVM: virtual threads need a Java 21+"
                    + " runtime, this is Java " + Runtime.version().feature() + ")", e.getMessage());
            return;
        }
        TopoServer server = Servers.start(yaml);
        try (RawHttp c = new RawHttp(server.address())) {
            RawHttp.Response r = c.exchange(get("/work?sleep=1ms"));
            assertEquals(200, r.status());
            assertTrue(r.loop().startsWith("topo-vconn-"), r.loop());
        } finally {
            server.stop();
        }
    }
}
