package dev.topo.server.config;

import java.time.Duration;

/**
 * The whole server, as one YAML file describes it. Every section may be left out; its defaults then apply.
 *
 * @param drainTimeout how long a graceful stop lets in-flight requests finish before connections are closed
 */
public record ServerConfig(
        BindConfig bind,
        Transport transport,
        TopologyConfig topology,
        Protocol protocol,
        LimitsConfig limits,
        WorkConfig work,
        HandlerConfig handler,
        Duration drainTimeout,
        AdminConfig admin) {

    public ServerConfig {
        bind = Check.orDefault(bind, BindConfig.defaults());
        transport = Check.orDefault(transport, Transport.AUTO);
        topology = Check.orDefault(topology, TopologyConfig.of(TopologyKind.SINGLE_ACCEPTOR));
        protocol = Check.orDefault(protocol, Protocol.HTTP);
        limits = Check.orDefault(limits, LimitsConfig.defaults());
        work = Check.orDefault(work, WorkConfig.defaults());
        handler = Check.orDefault(handler, HandlerConfig.defaults());
        if (handler.offloadThreads() > 0 && !topology.kind().eventLoops() && !topology.kind().multiProcess()) {
            throw ConfigException.invalid("handler.offloadThreads", handler.offloadThreads(), "0 for kind "
                    + topology.kind().yamlName() + ", whose handlers already run on their own blocking threads");
        }
        drainTimeout = Check.notNegative("drainTimeout", Check.orDefault(drainTimeout, Duration.ofSeconds(10)));
        admin = Check.orDefault(admin, AdminConfig.defaults());
    }

    public static ServerConfig defaults() {
        return new ServerConfig(null, null, null, null, null, null, null, null, null);
    }
}
