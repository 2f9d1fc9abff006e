package dev.topo.server.hostile;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.topo.config.ConfigLoader;
import dev.topo.config.Overrides;
import dev.topo.server.TopoServer;
import dev.topo.server.testing.Servers;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The report of issue #16, replayed in wall-clock time against {@code config/single-acceptor.yaml} as shipped
 * (requestTimeout 10 s, idleTimeout 60 s) and against a blocking kind with the same defaults: a client sending one
 * header line every 100 ms, and one sending its body a byte every 100 ms, each get 408 at 10 s, within a second.
 * (Before, they were still connected and unanswered after 30 s.) About 12 s: all four clients run at once.
 */
@Timeout(60)
class ShippedLimitsWallClockTest {
    private static final List<String> CASES = List.of("header lines trickled", "body trickled byte by byte");

    @Test
    void trickledHeadersAndBodiesGet408AtTheShippedRequestTimeout() throws Exception {
        SuiteLimits shipped = SuiteLimits.shipped();
        TopoServer eventLoops = TopoServer.start(ConfigLoader.load(Path.of("../config/single-acceptor.yaml"),
                new Overrides("127.0.0.1", 0, "127.0.0.1", 0, null, null, 2)));
        TopoServer blocking = Servers.start("topology: {kind: thread-per-connection}\n");
        ExecutorService clients = Executors.newFixedThreadPool(4);
        try {
            assertEquals(shipped.requestTimeout(), eventLoops.config().limits().requestTimeout());
            assertEquals(shipped.idleTimeout(), eventLoops.config().limits().idleTimeout());
            assertEquals(shipped.requestTimeout(), blocking.config().limits().requestTimeout());
            List<Future<?>> runs = new ArrayList<>();
            for (HostileCase c : SlowCases.all(shipped)) {
                if (CASES.contains(c.name())) {
                    for (TopoServer server : List.of(eventLoops, blocking)) {
                        runs.add(clients.submit(() -> {
                            c.probe().run(server.address(), shipped);
                            return null;
                        }));
                    }
                }
            }
            assertEquals(4, runs.size());
            for (Future<?> run : runs) {
                run.get(30, TimeUnit.SECONDS);
            }
        } finally {
            clients.shutdownNow();
            eventLoops.stop();
            blocking.stop();
        }
    }
}
