package dev.topo.config;

import java.time.Duration;

/**
 * The whole server, as one YAML file describes it. Every section may be left out; its defaults then apply.
 *
 * @param drainDelay   how long a graceful stop reports not ready (admin {@code /readyz} 503) while still accepting,
 *                     so load balancers stop sending new connections before the listeners close
 * @param drainTimeout how long a graceful stop then lets open connections finish (each closes after its next
 *                     response) before the rest are closed
 */
public record ServerConfig(
        BindConfig bind,
        Transport transport,
        TopologyConfig topology,
        Protocol protocol,
        LimitsConfig limits,
        WorkConfig work,
        HandlerConfig handler,
        Duration drainDelay,
        Duration drainTimeout,
        AdminConfig admin,
        ReloadConfig reload) {

    public ServerConfig {
        bind = Check.orDefault(bind, BindConfig.defaults());
        transport = Check.orDefault(transport, Transport.AUTO);
        topology = Check.orDefault(topology, TopologyConfig.of(TopologyKind.SINGLE_ACCEPTOR));
        protocol = Check.orDefault(protocol, Protocol.HTTP);
        limits = Check.orDefault(limits, LimitsConfig.defaults());
        work = Check.orDefault(work, WorkConfig.defaults());
        handler = Check.orDefault(handler, HandlerConfig.defaults());
        if (handler.offloadThreads() > 0 && topology.kind().servedBy() == TopologyKind.ServedBy.BLOCKING_THREADS) {
            throw ConfigException.invalid("handler.offloadThreads", handler.offloadThreads(), "0 for kind "
                    + topology.kind().yamlName() + ", whose handlers already run on their own blocking threads");
        }
        drainDelay = Check.notNegative("drainDelay", Check.orDefault(drainDelay, Duration.ofSeconds(2)));
        drainTimeout = Check.notNegative("drainTimeout", Check.orDefault(drainTimeout, Duration.ofSeconds(10)));
        admin = Check.orDefault(admin, AdminConfig.defaults());
        reload = Check.orDefault(reload, ReloadConfig.defaults());
    }

    /**
     * What a worker process of this (master's) configuration runs: {@code topology} on {@code port}, on the master's
     * native transport (io_uring when asked for by name, else epoll: workers never fall back to NIO), with
     * its own admin endpoint on an ephemeral loopback port (or none) that the master scrapes. No drain delay: the
     * master has already spent it before it asks its workers to drain.
     */
    public ServerConfig forWorker(TopologyConfig topology, int port, boolean admin) {
        return forWorker(topology, port, admin, limits.maxConnections());
    }

    /** As above, with the worker's share of {@code limits.maxConnections} when it accepts on its own. */
    public ServerConfig forWorker(TopologyConfig topology, int port, boolean admin, int maxConnections) {
        Transport workerTransport = transport == Transport.IO_URING ? Transport.IO_URING : Transport.EPOLL;
        return new ServerConfig(new BindConfig(bind.host(), port), workerTransport, topology, protocol,
                limits.withMaxConnections(maxConnections), work, handler, Duration.ZERO, drainTimeout,
                new AdminConfig(admin, "127.0.0.1", 0), ReloadConfig.defaults());
    }

    public static ServerConfig defaults() {
        return new ServerConfig(null, null, null, null, null, null, null, null, null, null, null);
    }
}
