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
     * No more accepts by this topology, at once: it stops watching the server's listening sockets (which stay open,
     * for the next generation of a live switch or for the server to close). Connections it accepted carry on until
     * {@link #stop}. Multi-process masters whose workers accept pass this on as part of {@code stop}.
     */
    void stopAccepting() throws InterruptedException;

    /**
     * Graceful stop: stops accepting first, lets requests in flight finish for up
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

    /**
     * Requests answered by this topology's worker processes that have exited (each says so as it exits); 0 for
     * in-process kinds, whose requests their generation's metrics count. Complete once {@link #stop} returned.
     */
    default long requestsServedByExitedWorkers() {
        return 0;
    }

    /** Completes, with the reason, when the topology can no longer serve; never, for in-process kinds. */
    default CompletableFuture<String> failure() {
        return new CompletableFuture<>();
    }
}
