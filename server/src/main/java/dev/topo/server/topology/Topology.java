package dev.topo.server.topology;

import dev.topo.config.TopologyKind;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

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

    /** The transport actually in use ({@code epoll}, {@code io_uring} or {@code nio}). */
    String transport();

    /** What the transport offers beyond its basics (io_uring: the kernel features in use); usually none. */
    default List<String> transportFeatures() {
        return List.of();
    }

    /** True once a graceful stop has begun. */
    boolean draining();

    /** Entries added to the {@code /topology} document; multi-process kinds list their workers. */
    default Map<String, Object> report() {
        return Map.of();
    }

    /** What {@code /metrics} serves, given this process's own scrape; multi-process kinds add their workers'. */
    default String scrape(String own) {
        return own;
    }

    /** Completes, with the reason, when the topology can no longer serve; never, for in-process kinds. */
    default CompletableFuture<String> failure() {
        return new CompletableFuture<>();
    }
}
