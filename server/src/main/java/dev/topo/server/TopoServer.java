package dev.topo.server;

import dev.topo.config.ServerConfig;
import dev.topo.server.metrics.AdminServer;
import dev.topo.server.metrics.ServerMetrics;
import dev.topo.server.metrics.TopologyReport;
import dev.topo.server.topology.Topologies;
import dev.topo.server.topology.Topology;
import dev.topo.server.topology.WorkerRole;
import java.lang.management.ManagementFactory;
import java.net.InetSocketAddress;
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

    private TopoServer(ServerConfig config, ServerMetrics metrics, Topology topology, InetSocketAddress address,
            AdminServer admin) {
        this.config = config;
        this.metrics = metrics;
        this.topology = topology;
        this.address = address;
        this.admin = admin;
    }

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
        AdminServer admin = null;
        try {
            address = topology.start();
            if (config.admin().enabled()) {
                admin = AdminServer.start(config.admin().host(), config.admin().port(),
                        () -> topology.scrape(metrics.scrape()),
                        () -> {
                            Map<String, Object> doc = TopologyReport.of(topology.kind().yamlName(),
                                    topology.transport(), config.protocol().yamlName(), topology.draining(), metrics);
                            doc.putAll(topology.report());
                            return doc;
                        },
                        () -> !topology.draining());
            }
        } catch (RuntimeException | InterruptedException e) {
            topology.stop(java.time.Duration.ZERO);
            metrics.close();
            throw e;
        }
        TopoServer server = new TopoServer(config, metrics, topology, address, admin);
        server.logReady((System.nanoTime() - began) / 1_000_000);
        return server;
    }

    private void logReady(long startMillis) {
        int loops = metrics.listeners().stream().mapToInt(l -> l.loops().size()).sum();
        Runtime rt = Runtime.getRuntime();
        log.info("topo ready: topology={} transport={} protocol={} listeners={} loops={} address={} admin={} "
                        + "cpus={} maxHeap={}MiB started in {} ms ({} ms since JVM start)",
                topology.kind().yamlName(), topology.transport(), config.protocol().yamlName(),
                metrics.listeners().size(), loops, hostPort(address),
                admin == null ? "off" : config.admin().host() + ":" + admin.address().getPort(),
                rt.availableProcessors(), rt.maxMemory() >> 20, startMillis,
                ManagementFactory.getRuntimeMXBean().getUptime());
    }

    private static String hostPort(InetSocketAddress a) {
        return a.getHostString() + ":" + a.getPort();
    }

    /** Graceful: listeners close, in-flight requests get {@code drainTimeout}, then everything stops. */
    public void stop() throws InterruptedException {
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
