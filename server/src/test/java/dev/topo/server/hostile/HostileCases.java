package dev.topo.server.hostile;

import dev.topo.server.hostile.HostileCase.Need;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Every hostile case, and a runner: each case, then a fresh client that must be served. Used by the test suites and,
 * through {@link HostileBench}, by {@code bench/hostile.sh} against a running server.
 */
public final class HostileCases {
    private HostileCases() {
    }

    public static List<HostileCase> all(SuiteLimits limits) {
        List<HostileCase> all = new ArrayList<>();
        all.addAll(MalformedCases.all(limits));
        all.addAll(SlowCases.all(limits));
        all.addAll(ConnectionCases.all(limits));
        return all;
    }

    /** What a case did: null when the server behaved, else why not; skipped when the topology lacks a need. */
    public record Outcome(HostileCase hostileCase, Throwable failure, boolean skipped, long millis) {
        public boolean passed() {
            return failure == null && !skipped;
        }
    }

    /**
     * Runs every case that {@code provided} allows against {@code address}, up to {@code parallel} at a time, each
     * followed by a fresh client that must be served. The cases that time the server (group "slow") run first, by
     * themselves: a case that blocks a loop with {@code /work?sleep} would otherwise delay their timers on the
     * topologies whose handlers run on the loop.
     */
    public static List<Outcome> run(InetSocketAddress address, SuiteLimits limits, Set<Need> provided, int parallel)
            throws InterruptedException {
        return run(address, limits, provided, parallel, all(limits));
    }

    /** As above, for {@code cases} only. */
    public static List<Outcome> run(InetSocketAddress address, SuiteLimits limits, Set<Need> provided, int parallel,
            List<HostileCase> cases) throws InterruptedException {
        ExecutorService pool = Executors.newFixedThreadPool(parallel, r -> {
            Thread t = new Thread(r, "hostile-client");
            t.setDaemon(true);
            return t;
        });
        try {
            Map<HostileCase, Outcome> done = new HashMap<>();
            for (boolean timed : new boolean[] {true, false}) {
                Map<HostileCase, Future<Outcome>> futures = new LinkedHashMap<>();
                for (HostileCase c : cases) {
                    if (c.group().equals("slow") == timed) {
                        futures.put(c, pool.submit(() -> runOne(c, address, limits, provided)));
                    }
                }
                for (Map.Entry<HostileCase, Future<Outcome>> f : futures.entrySet()) {
                    try {
                        done.put(f.getKey(), f.getValue().get(60, TimeUnit.SECONDS));
                    } catch (ExecutionException | TimeoutException e) {
                        done.put(f.getKey(), new Outcome(f.getKey(), e, false, -1));
                    }
                }
            }
            List<Outcome> outcomes = new ArrayList<>();
            for (HostileCase c : cases) {
                outcomes.add(done.get(c));
            }
            return outcomes;
        } finally {
            pool.shutdownNow();
        }
    }

    private static Outcome runOne(HostileCase c, InetSocketAddress address, SuiteLimits limits, Set<Need> provided) {
        if (!provided.containsAll(c.needs())) {
            return new Outcome(c, null, true, 0);
        }
        long start = System.nanoTime();
        try {
            c.probe().run(address, limits);
            Probes.servesNextClient(address, limits);
            return new Outcome(c, null, false, (System.nanoTime() - start) / 1_000_000);
        } catch (Throwable t) {
            return new Outcome(c, t, false, (System.nanoTime() - start) / 1_000_000);
        }
    }

    /**
     * A fresh JVM (a worker process, a server just started) takes a second or two over its first connections (class
     * loading, interpreted code), which timed cases would count against the server: serves a few requests, refusals
     * and 408s on several connections at once first, so that every worker process gets some.
     */
    public static void warmUp(InetSocketAddress address, SuiteLimits limits) throws InterruptedException {
        List<Thread> clients = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            Thread t = new Thread(() -> {
                for (String raw : List.of(Probes.GET, "GET / HTTP/1.1\r\n\r\n", "GET / HTTP/1.1\r\nHost: h\r\n",
                        "POST /echo HTTP/1.1\r\nHost: h\r\nContent-Length: 5\r\n\r\nhe", "GET /work?bytes=9 HTTP/1.1\r\n"
                        + "Host: h\r\n\r\n")) {
                    try (HostileClient c = new HostileClient(address)) {
                        c.send(raw).read(limits.requestTimeout().plusSeconds(5));
                    } catch (Exception e) {
                        // warming up only: the cases check the answers
                    }
                }
            }, "hostile-warm-up-" + i);
            t.start();
            clients.add(t);
        }
        for (Thread t : clients) {
            t.join(30_000);
        }
    }
}
