package dev.topo.server.topology;

import dev.topo.config.ServerConfig;
import dev.topo.config.TopologyKind;
import dev.topo.server.listen.ListeningSockets;
import dev.topo.server.metrics.ServerMetrics;

/** What the blocking topologies share: their {@link BlockingServer}, and the getters that only read it. */
abstract class BlockingTopology implements Topology {
    final BlockingServer server;

    BlockingTopology(ServerConfig config, ServerMetrics metrics, ListeningSockets sockets) {
        this.server = new BlockingServer(config, metrics, sockets);
    }

    @Override
    public void stopAccepting() {
        server.stopAccepting();
    }

    @Override
    public TopologyKind kind() {
        return server.config.topology().kind();
    }

    /** JDK blocking sockets: {@code transport} from the configuration does not apply. */
    @Override
    public String transport() {
        return "blocking";
    }

    @Override
    public boolean draining() {
        return server.draining();
    }
}
