package dev.topo.server.topology;

import io.netty.channel.Channel;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A worker's side of an accept mutex its master runs (nginx's {@code accept_mutex}, across processes): the worker
 * watches the shared listening socket only while it holds the turn, and gives the turn back as soon as it has
 * accepted a batch, so that exactly one process is woken by a new connection. The master passes the turn on.
 */
public final class AcceptTurn {
    private final Runnable released;
    private final AtomicBoolean holding = new AtomicBoolean();
    private final List<Channel> watchers = new CopyOnWriteArrayList<>();

    /** @param released tells the master the turn is back (the worker's entry point writes a line to it) */
    public AcceptTurn(Runnable released) {
        this.released = released;
    }

    /** The master gives this worker the turn: its loops watch the socket again. */
    public void take() {
        holding.set(true);
        watchers.forEach(ch -> ch.config().setAutoRead(true));
    }

    /** A listening channel of this worker: it watches the socket only while the worker holds the turn. */
    void watch(Channel listener) {
        watchers.add(listener);
        listener.config().setAutoRead(holding.get());
    }

    /** After a read cycle that accepted connections: the batch is taken, the turn goes back (once). */
    void accepted() {
        if (holding.compareAndSet(true, false)) {
            for (Channel ch : new ArrayList<>(watchers)) {
                ch.config().setAutoRead(false);
            }
            released.run();
        }
    }
}
