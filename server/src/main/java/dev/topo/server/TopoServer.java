package dev.topo.server;

import dev.topo.config.Durations;
import dev.topo.config.ServerConfig;
import dev.topo.server.metrics.AdminServer;
import dev.topo.server.metrics.ServerMetrics;
import dev.topo.server.metrics.TopologyReport;
import dev.topo.server.topology.Topologies;
import dev.topo.server.topology.Topology;
import dev.topo.server.topology.WorkerRole;
import java.lang.management.ManagementFactory;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** A running Topo server: the topology, its metrics and the admin endpoint, started and stopped together. */
public final class TopoServer {
    private static final Logger log = LoggerFactory.getLogger(TopoServer.class);

    private final ServerConfig config;
    private final ServerMetrics metrics;
    private final Topology topology;
    private final InetSocketAddress address;
    private final AdminServer admin;
    /** Set as a graceful stop begins, before anything closes: the admin endpoint's readiness follows it. */
    private volatile boolean stopping;

    /** Starts everything or nothing: a failure part-way stops what had started. */
    public static TopoServer start(ServerConfig config) throws InterruptedException {
        return start(config, null);
    }

    /** As {@link #start(ServerConfig)}, for a worker process with the {@code role} its master gave it (or none). */
    public static TopoServer start(ServerConfig config, WorkerRole role) throws InterruptedException {
        long began = System.nanoTime();
        ServerMetrics metrics = new ServerMetrics(config.limits().maxConnections());
        Topology topology = Topologies.create(config, metrics, role);
        InetSocketAddress address;
        try {
            address = topology.start();
        } catch (RuntimeException | InterruptedException e) {
            topology.stop(Duration.ZERO);
            metrics.close();
            throw e;
        }
        TopoServer server = new TopoServer(config, metrics, topology, address);
        server.logReady((System.nanoTime() - began) / 1_000_000);
        return server;
    }

    private TopoServer(ServerConfig config, ServerMetrics metrics, Topology topology, InetSocketAddress address)
            throws InterruptedException {
        this.config = config;
        this.metrics = metrics;
        this.topology = topology;
        this.address = address;
        try {
            this.admin = config.admin().enabled() ? AdminServer.start(config.admin().host(), config.admin().port(),
                    () -> topology.scrape(metrics.scrape()), this::report, this::ready) : null;
        } catch (RuntimeException e) {
            topology.stop(Duration.ZERO);
            metrics.close();
            throw e;
        }
    }

    private Map<String, Object> report() {
        Map<String, Object> doc = TopologyReport.of(topology.kind().yamlName(), topology.transport(),
                config.protocol().yamlName(), stopping || topology.draining(), metrics);
        if (!topology.transportFeatures().isEmpty()) {
            doc.put("transportFeatures", topology.transportFeatures());
        }
        doc.putAll(topology.report());
        return doc;
    }

    /** What {@code /readyz} says: false from the first moment of a graceful stop. */
    private boolean ready() {
        return !stopping && !topology.draining();
    }

    private void logReady(long startMillis) {
        int loops = metrics.listeners().stream().mapToInt(l -> l.loops().size()).sum();
        Runtime rt = Runtime.getRuntime();
        log.info("topo ready: topology={} transport={} protocol={} listeners={} loops={} address={} admin={} "
                        + "cpus={} maxHeap={}MiB started in {} ms ({} ms since JVM start)",
                topology.kind().yamlName(), transportWithFeatures(), config.protocol().yamlName(),
                metrics.listeners().size(), loops, hostPort(address),
                admin == null ? "off" : config.admin().host() + ":" + admin.address().getPort(),
                rt.availableProcessors(), rt.maxMemory() >> 20, startMillis,
                ManagementFactory.getRuntimeMXBean().getUptime());
    }

    /** {@code io_uring[accept-multishot,...]}: the transport, and the kernel features it found, in one token. */
    private String transportWithFeatures() {
        List<String> features = topology.transportFeatures();
        return features.isEmpty() ? topology.transport() : topology.transport() + "[" + String.join(",", features) + "]";
    }

    private static String hostPort(InetSocketAddress a) {
        return a.getHostString() + ":" + a.getPort();
    }

    /**
     * Graceful: not ready for {@code drainDelay} while still serving and accepting (load balancers take new
     * connections elsewhere), then the listeners close and open connections get {@code drainTimeout} to finish,
     * each closing after its next response; then everything stops.
     */
    public void stop() throws InterruptedException {
        stopping = true;
        Duration delay = config.drainDelay();
        if (!delay.isZero()) {
            log.info("not ready (/readyz 503); still accepting for {} before the listeners close",
                    Durations.format(delay));
            Thread.sleep(delay.toMillis());
        }
        topology.stop(config.drainTimeout());
        if (admin != null) {
            admin.stop();
        }
        metrics.close();
        log.info("topo stopped");
    }

    /** Completes, with the reason, if the server can no longer serve (a supervisor gave up on its workers). */
    public CompletableFuture<String> failure() {
        return topology.failure();
    }

    public InetSocketAddress address() {
        return address;
    }

    /** The admin endpoint's bound address, or null when {@code admin.enabled: false}. */
    public InetSocketAddress adminAddress() {
        return admin == null ? null : admin.address();
    }

    public Topology topology() {
        return topology;
    }

    public ServerMetrics metrics() {
        return metrics;
    }

    public ServerConfig config() {
        return config;
    }
}
