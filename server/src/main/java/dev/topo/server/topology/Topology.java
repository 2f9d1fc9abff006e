package dev.topo.server.topology;

import dev.topo.server.config.TopologyKind;
import java.net.InetSocketAddress;
import java.time.Duration;

/** One accept/IO model. Each kind is one final class behind this interface. */
public interface Topology {

    /** Binds every listener and returns the address clients connect to (the real port when 0 was asked for). */
    InetSocketAddress start() throws InterruptedException;

    /**
     * Graceful stop: closes the listeners first (new connections are refused), lets requests in flight finish for up
     * to {@code drainTimeout}, then closes what is left and stops every thread.
     */
    void stop(Duration drainTimeout) throws InterruptedException;

    TopologyKind kind();

    /** The transport actually in use ({@code epoll} or {@code nio}). */
    String transport();

    /** True once a graceful stop has begun. */
    boolean draining();
}
