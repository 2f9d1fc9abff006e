package dev.topo.config;

import java.util.Set;

/**
 * How listening sockets are opened, written under {@code topology:} beside the kind's own parameters.
 *
 * @param acceptBatch event-loop kinds: connections accepted per wake-up of a listening socket
 *                    (Netty maxMessagesPerRead)
 * @param backlog     listen backlog, every kind (the kernel caps it at net.core.somaxconn)
 * @param deferAccept event-loop kinds: wake the acceptor only when the first request bytes arrived
 *                    (TCP_DEFER_ACCEPT, epoll)
 */
public record ListenOptions(Integer acceptBatch, Integer backlog, Boolean deferAccept) {
    /** The options that only mean something where event loops accept (not for blocking {@code accept()}). */
    private static final Set<String> EVENT_LOOP_ONLY = Set.of("acceptBatch", "deferAccept");
    static final Set<String> NAMES = Set.of("acceptBatch", "backlog", "deferAccept");

    public ListenOptions {
        acceptBatch = Check.between("topology.acceptBatch", Check.orDefault(acceptBatch, 16), 1, 4096);
        backlog = Check.between("topology.backlog", Check.orDefault(backlog, 1024), 1, 1 << 20);
        deferAccept = Check.orDefault(deferAccept, false);
    }

    public static ListenOptions defaults() {
        return new ListenOptions(null, null, null);
    }

    /** True when {@code key} is a listen option that {@code kind} reads. */
    static boolean appliesTo(String key, TopologyKind kind) {
        return NAMES.contains(key)
                && (!EVENT_LOOP_ONLY.contains(key) || kind.servedBy() != TopologyKind.ServedBy.BLOCKING_THREADS);
    }
}
