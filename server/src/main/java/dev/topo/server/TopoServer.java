package dev.topo.server;

import dev.topo.config.ConfigException;
import dev.topo.config.Durations;
import dev.topo.config.ServerConfig;
import dev.topo.server.listen.ListeningSockets;
import dev.topo.server.metrics.AdminEndpoints;
import dev.topo.server.metrics.AdminServer;
import dev.topo.server.metrics.ReloadMetrics;
import dev.topo.server.metrics.ServerMetrics;
import dev.topo.server.metrics.TopologyReport;
import dev.topo.server.topology.Topologies;
import dev.topo.server.topology.Topology;
import dev.topo.server.topology.WorkerRole;
import java.lang.management.ManagementFactory;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A running Topo server: the listening sockets, the topology serving on them (the current {@link Generation}), its
 * metrics and the admin endpoint. {@link #reload} switches to a new configuration live: the new generation starts
 * on the same listening sockets, then the old one stops accepting and drains in the background (see
 * {@link LiveSwitch}).
 */
public final class TopoServer {
    private static final Logger log = LoggerFactory.getLogger(TopoServer.class);

    private final WorkerRole role;
    private final AdminServer admin;
    private final ReloadMetrics reloads = new ReloadMetrics(this::requestsServed);
    private final CompletableFuture<String> failure = new CompletableFuture<>();
    /** Earlier generations still draining, each with the drain under way. */
    private final List<Retiring> retiring = new CopyOnWriteArrayList<>();
    /** Requests answered by generations that have drained. */
    private final LongAdder servedByRetired = new LongAdder();
    /** One reload at a time, off the admin loop and the signal thread. */
    private final ExecutorService reloader = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "topo-reload");
        t.setDaemon(true);
        return t;
    });
    private volatile ListeningSockets sockets;
    private volatile Generation current;
    private volatile ReloadResult lastReload;
    private volatile Supplier<ServerConfig> source;
    /** Set as a graceful stop begins, before anything closes: the admin endpoint's readiness follows it. */
    private volatile boolean stopping;

    /** One topology on the server's sockets, with its own metrics; a live switch makes the next one. */
    record Generation(int number, ServerConfig config, ServerMetrics metrics, Topology topology,
            InetSocketAddress address) {
    }

    private record Retiring(Generation generation, CompletableFuture<Void> drained) {
    }

    /** Starts everything or nothing: a failure part-way stops what had started. */
    public static TopoServer start(ServerConfig config) throws InterruptedException {
        return start(config, null);
    }

    /** As {@link #start(ServerConfig)}, for a worker process with the {@code role} its master gave it (or none). */
    public static TopoServer start(ServerConfig config, WorkerRole role) throws InterruptedException {
        long began = System.nanoTime();
        // A worker's listening sockets are lent by its master, or it has none (it is passed connections).
        ListeningSockets sockets = role == null
                ? new ListeningSockets(config.bind(), config.topology().listen().backlog()) : null;
        Generation first;
        try {
            first = startGeneration(1, config, sockets, role);
            if (sockets != null) {
                // The first generation's sockets are the set's own from now on, not ones bound for the next switch
                // (which would then report them as new, and not fold or migrate when it wants fewer).
                sockets.commit();
            }
        } catch (RuntimeException | InterruptedException e) {
            if (sockets != null) {
                sockets.close();
            }
            throw e;
        }
        TopoServer server = new TopoServer(role, sockets, first);
        server.logReady(first, (System.nanoTime() - began) / 1_000_000);
        return server;
    }

    /** Creates and starts a topology; on failure, stops what it had started and rethrows. */
    static Generation startGeneration(int number, ServerConfig config, ListeningSockets sockets, WorkerRole role)
            throws InterruptedException {
        ServerMetrics metrics = new ServerMetrics(config.limits().maxConnections());
        Topology topology = Topologies.create(config, metrics, sockets, role);
        try {
            return new Generation(number, config, metrics, topology, topology.start());
        } catch (RuntimeException | InterruptedException e) {
            topology.stop(Duration.ZERO);
            metrics.close();
            throw e;
        }
    }

    private TopoServer(WorkerRole role, ListeningSockets sockets, Generation first) throws InterruptedException {
        this.role = role;
        this.sockets = sockets;
        this.current = first;
        watchFailure(first);
        ServerConfig config = first.config();
        try {
            this.admin = config.admin().enabled()
                    ? AdminServer.start(config.admin().host(), config.admin().port(), new Endpoints()) : null;
        } catch (RuntimeException e) {
            stopGeneration(first, Duration.ZERO);
            closeSockets();
            throw e;
        }
    }

    /** Whatever generation is current when the topology gives up fails the server. */
    private void watchFailure(Generation g) {
        g.topology().failure().thenAccept(reason -> {
            if (current == g) {
                failure.complete(reason);
            }
        });
    }

    /** What the admin endpoint asks, always of the generation serving now. */
    private final class Endpoints implements AdminEndpoints {
        @Override
        public String metrics() {
            Generation g = current;
            // A worker does not reload: its figures would only repeat in its master's merged scrape.
            return g.topology().scrape(g.metrics().scrape()) + (role == null ? reloads.scrape() : "");
        }

        @Override
        public Map<String, Object> topology() {
            return report();
        }

        @Override
        public boolean ready() {
            return !stopping && !current.topology().draining();
        }

        @Override
        public CompletableFuture<Map<String, Object>> reload() {
            if (role != null) {
                return null;
            }
            return TopoServer.this.reload("admin").thenApply(r -> {
                Map<String, Object> doc = new LinkedHashMap<>(r.toMap());
                doc.put("status", switch (r.outcome()) {
                    case ReloadResult.SWITCHED -> 200;
                    case ReloadResult.INVALID -> 400;
                    default -> 500;
                });
                return doc;
            });
        }
    }

    private Map<String, Object> report() {
        Generation g = current;
        Map<String, Object> doc = TopologyReport.of(g.topology().kind().yamlName(), g.topology().transport(),
                g.config().protocol().yamlName(), stopping || g.topology().draining(), g.metrics());
        if (!g.topology().transportFeatures().isEmpty()) {
            doc.put("transportFeatures", g.topology().transportFeatures());
        }
        doc.putAll(g.topology().report());
        doc.put("generation", g.number());
        List<Map<String, Object>> draining = new ArrayList<>();
        for (Retiring r : retiring) {
            draining.add(Map.of("generation", r.generation().number(),
                    "kind", r.generation().topology().kind().yamlName(),
                    "activeConnections", r.generation().metrics().activeConnections()));
        }
        doc.put("drainingGenerations", draining);
        doc.put("lastReload", lastReload == null ? null : lastReload.toMap());
        return doc;
    }

    private void logReady(Generation g, long startMillis) {
        int loops = g.metrics().listeners().stream().mapToInt(l -> l.loops().size()).sum();
        Runtime rt = Runtime.getRuntime();
        log.info("topo ready: topology={} transport={} protocol={} listeners={} loops={} address={} admin={} "
                        + "cpus={} maxHeap={}MiB started in {} ms ({} ms since JVM start)",
                g.topology().kind().yamlName(), transportWithFeatures(g.topology()),
                g.config().protocol().yamlName(), g.metrics().listeners().size(), loops, hostPort(g.address()),
                admin == null ? "off" : g.config().admin().host() + ":" + admin.address().getPort(),
                rt.availableProcessors(), rt.maxMemory() >> 20, startMillis,
                ManagementFactory.getRuntimeMXBean().getUptime());
    }

    /** {@code io_uring[accept-multishot,...]}: the transport, and the kernel features it found, in one token. */
    private static String transportWithFeatures(Topology topology) {
        List<String> features = topology.transportFeatures();
        return features.isEmpty() ? topology.transport()
                : topology.transport() + "[" + String.join(",", features) + "]";
    }

    private static String hostPort(InetSocketAddress a) {
        return a.getHostString() + ":" + a.getPort();
    }

    /**
     * Where {@link #reload(String)} reads the configuration: the file the server started from, loaded and checked
     * exactly as at start (a {@link ConfigException} leaves everything as it is).
     */
    public void reloadFrom(Supplier<ServerConfig> configSource) {
        this.source = configSource;
    }

    /** Reads the configuration again and switches to it; one reload at a time, on the reload thread. */
    public CompletableFuture<ReloadResult> reload(String trigger) {
        return CompletableFuture.supplyAsync(() -> {
            Supplier<ServerConfig> from = source;
            if (from == null) {
                return record(LiveSwitch.invalid(trigger, current, "no configuration file to reload from"));
            }
            ServerConfig next;
            try {
                next = from.get();
            } catch (ConfigException e) {
                return record(LiveSwitch.invalid(trigger, current, e.getMessage()));
            } catch (RuntimeException e) {
                return record(LiveSwitch.invalid(trigger, current, String.valueOf(e.getMessage())));
            }
            return switchTo(next, trigger);
        }, reloader);
    }

    /** Switches to {@code next} now, on the calling thread (tests; {@link #reload(String)} for the rest). */
    public synchronized ReloadResult switchTo(ServerConfig next, String trigger) {
        if (stopping) {
            return record(LiveSwitch.failed(trigger, current, next, 0, "the server is stopping"));
        }
        LiveSwitch change = new LiveSwitch(current, sockets, next, trigger);
        ReloadResult result;
        try {
            result = change.run();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return record(LiveSwitch.failed(trigger, current, next, 0, "interrupted"));
        }
        if (result.switched()) {
            Generation old = current;
            sockets = change.sockets();
            current = change.next();
            watchFailure(current);
            drainInBackground(old);
            logReady(current, Math.round(result.switchMillis()));
        }
        return record(result);
    }

    private ReloadResult record(ReloadResult r) {
        lastReload = r;
        reloads.reloaded(r.outcome(), Duration.ofNanos(Math.round(r.switchMillis() * 1e6)), r.generation());
        if (r.switched()) {
            log.info("reload ({}): switched {} -> {}, generation {}, in {} ms; listening sockets: {}{}", r.trigger(),
                    r.from(), r.to(), r.generation(), Math.round(r.switchMillis()), r.listeners(),
                    r.notes().isEmpty() ? "" : "; " + String.join("; ", r.notes()));
        } else {
            log.warn("reload ({}): {}: {}; generation {} ({}) still serves", r.trigger(), r.outcome(), r.error(),
                    r.generation(), r.from());
        }
        return r;
    }

    /** The old generation finishes its connections (each closes after its next response) on a thread of its own. */
    private void drainInBackground(Generation old) {
        CompletableFuture<Void> drained = new CompletableFuture<>();
        Retiring r = new Retiring(old, drained);
        retiring.add(r);
        reloads.draining(1);
        Thread t = new Thread(() -> {
            try {
                stopGeneration(old, old.config().drainTimeout());
                servedByRetired.add(served(old));
            } finally {
                retiring.remove(r);
                reloads.draining(-1);
                drained.complete(null);
                log.info("generation {} ({}) drained", old.number(), old.topology().kind().yamlName());
            }
        }, "topo-drain-generation-" + old.number());
        t.setDaemon(true);
        t.start();
    }

    private static void stopGeneration(Generation g, Duration drainTimeout) {
        try {
            g.topology().stop(drainTimeout);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            g.metrics().close();
        }
    }

    private void closeSockets() {
        if (sockets != null) {
            sockets.close();
        }
    }

    /**
     * Graceful: not ready for {@code drainDelay} while still serving and accepting (load balancers take new
     * connections elsewhere), then the listeners close and open connections get {@code drainTimeout} to finish,
     * each closing after its next response; then everything stops.
     */
    public void stop() throws InterruptedException {
        stopping = true;
        synchronized (this) {
            // After a reload in progress: the generation it started is the one to stop.
            Generation g = current;
            Duration delay = g.config().drainDelay();
            if (!delay.isZero()) {
                log.info("not ready (/readyz 503); still accepting for {} before the listeners close",
                        Durations.format(delay));
                Thread.sleep(delay.toMillis());
            }
            g.topology().stopAccepting();
            // Nobody watches them now: closing refuses new connections (as a stop always did).
            closeSockets();
            stopGeneration(g, g.config().drainTimeout());
        }
        for (Retiring r : retiring) {
            r.drained().join();
        }
        reloader.shutdownNow();
        if (admin != null) {
            admin.stop();
        }
        reloads.close();
        log.info("topo stopped");
    }

    /** Completes, with the reason, if the server can no longer serve (a supervisor gave up on its workers). */
    public CompletableFuture<String> failure() {
        return failure;
    }

    public InetSocketAddress address() {
        return current.address();
    }

    /** The admin endpoint's bound address, or null when {@code admin.enabled: false}. */
    public InetSocketAddress adminAddress() {
        return admin == null ? null : admin.address();
    }

    public Topology topology() {
        return current.topology();
    }

    public ServerMetrics metrics() {
        return current.metrics();
    }

    public ServerConfig config() {
        return current.config();
    }

    /** The number of the generation serving now: 1 at start, one more for each live switch. */
    public int generation() {
        return current.number();
    }

    /**
     * Requests answered since start, over every generation: in this process, and by worker processes once they have
     * exited (a live worker's count is in its own {@code /metrics}, merged into the admin endpoint's).
     */
    public long requestsServed() {
        return servedByRetired.sum() + served(current);
    }

    private static long served(Generation g) {
        return g.metrics().requestsServed() + g.topology().requestsServedByExitedWorkers();
    }

    /** Generations of earlier switches still finishing their connections. */
    public int drainingGenerations() {
        return retiring.size();
    }
}
