package dev.topo.config;

/**
 * thread-per-connection.
 *
 * @param threads    platform or virtual threads
 * @param maxThreads live connection threads at most; the acceptor waits beyond it
 */
public record ThreadPerConnectionParameters(ThreadKind threads, Integer maxThreads) implements TopologyParameters {
    public ThreadPerConnectionParameters {
        threads = Check.orDefault(threads, ThreadKind.PLATFORM);
        maxThreads = Check.between("topology.maxThreads",
                Check.orDefault(maxThreads, threads == ThreadKind.PLATFORM ? 1024 : 1_000_000), 1, 1_000_000);
    }
}
