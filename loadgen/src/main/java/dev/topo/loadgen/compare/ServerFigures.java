package dev.topo.loadgen.compare;

import java.util.Map;

/**
 * Figures compare derives from two scrapes of the server's {@code /metrics} (start and end of the measured window),
 * beyond the raw deltas: the thundering herd and the pool size.
 */
public final class ServerFigures {

    static final String EMPTY_WAKEUPS = "topo_loop_accept_wakeups_empty_total";
    static final String LISTENER_ACCEPTED = "topo_listener_connections_accepted_total";
    static final String POOL_WORKERS = "topo_pool_workers";
    private static final String MASTER = "worker=\"master\"";

    private ServerFigures() {
    }

    /**
     * Empty accept wake-ups per accepted connection over the window: the sum of every loop's (every worker's)
     * {@code topo_loop_accept_wakeups_empty_total} delta over the connections accepted; null when none was accepted.
     */
    public static Double herd(Map<String, Double> before, Map<String, Double> after) {
        long accepted = acceptedOnce(before, after);
        if (accepted <= 0) {
            return null;
        }
        double empty = 0;
        for (long v : Metrics.perLoop(before, after, EMPTY_WAKEUPS).values()) {
            empty += Math.max(0, v);
        }
        return empty / accepted;
    }

    /**
     * Connections accepted in the window, each counted once. A multi-process master's scrape holds its own samples
     * (labelled {@code worker="master"}) and each worker's. With fd passing the master's listener accepts and the
     * workers only receive the descriptors, so a worker listener may count the same connection again: when the
     * master's listener accepted anything, only the master's samples count. Otherwise (a shared listener, reuseport,
     * or a single process without worker labels) whoever accepted did it on their own socket: all samples count.
     */
    static long acceptedOnce(Map<String, Double> before, Map<String, Double> after) {
        Map<String, Long> listeners = Metrics.perLoop(before, after, LISTENER_ACCEPTED);
        long master = 0;
        long all = 0;
        for (Map.Entry<String, Long> e : listeners.entrySet()) {
            long v = Math.max(0, e.getValue());
            all += v;
            if (e.getKey().contains(MASTER)) {
                master += v;
            }
        }
        return master > 0 ? master : all;
    }

    /** {@code topo_pool_workers} in a scrape (with or without labels), or -1 when the server has no dynamic pool. */
    public static int poolWorkers(Map<String, Double> scrape) {
        double total = -1;
        for (Map.Entry<String, Double> e : scrape.entrySet()) {
            String k = e.getKey();
            if (k.equals(POOL_WORKERS) || k.startsWith(POOL_WORKERS + "{")) {
                total = Math.max(total, 0) + e.getValue();
            }
        }
        return total < 0 ? -1 : (int) Math.round(total);
    }
}
