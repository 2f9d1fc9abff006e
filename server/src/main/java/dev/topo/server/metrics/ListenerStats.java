package dev.topo.server.metrics;

import java.net.InetSocketAddress;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.LongAdder;

/** One listening socket: how many connections it accepted, and the loops that serve them. */
public final class ListenerStats {
    private final int index;
    private final LongAdder accepted = new LongAdder();
    private final List<LoopStats> loops = new CopyOnWriteArrayList<>();
    private volatile InetSocketAddress address;
    private volatile String acceptor;

    ListenerStats(int index) {
        this.index = index;
    }

    /** The listener's number, as sent in {@code X-Topo-Listener}. */
    public int index() {
        return index;
    }

    /** Several loops' threads accept for one listener (child channels are initialized on their own loop). */
    public void accepted() {
        accepted.increment();
    }

    public long acceptedConnections() {
        return accepted.sum();
    }

    public List<LoopStats> loops() {
        return List.copyOf(loops);
    }

    void addLoop(LoopStats loop) {
        loops.add(loop);
    }

    public InetSocketAddress address() {
        return address;
    }

    /** The thread that accepts for this listener. */
    public String acceptor() {
        return acceptor;
    }

    public void bound(InetSocketAddress address, String acceptor) {
        this.address = address;
        this.acceptor = acceptor;
    }
}
