package dev.topo.server.topology;

import dev.topo.config.ServerConfig;
import dev.topo.config.TopologyKind;
import dev.topo.server.listen.ListeningSockets;
import dev.topo.server.metrics.ServerMetrics;
import java.time.Duration;
import java.util.List;

/**
 * What the event-loop topologies share: their {@link ServerResources}, and the parts of {@link Topology} that only
 * read them. Each topology stays one final class; this keeps the getters from being written eleven times.
 */
abstract class EventLoopTopology implements Topology {
    final ServerResources resources;

    EventLoopTopology(ServerConfig config, ServerMetrics metrics, ListeningSockets sockets) {
        this.resources = new ServerResources(config, metrics, sockets);
    }

    @Override
    public void stopAccepting() throws InterruptedException {
        resources.stopAccepting();
    }

    @Override
    public void stop(Duration drainTimeout) throws InterruptedException {
        resources.stop(drainTimeout);
    }

    @Override
    public TopologyKind kind() {
        return resources.config.topology().kind();
    }

    @Override
    public String transport() {
        return resources.transport.name();
    }

    @Override
    public List<String> transportFeatures() {
        return resources.transport.features();
    }

    @Override
    public boolean draining() {
        return resources.draining();
    }
}
