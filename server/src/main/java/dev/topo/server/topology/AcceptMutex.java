package dev.topo.server.topology;

import dev.topo.server.process.WorkerProcess;
import java.util.List;
import java.util.function.Supplier;

/**
 * The master's side of an accept mutex over worker processes that share one listening socket: one worker at a time
 * holds the turn and watches the socket; when it has accepted a batch it gives the turn back and the master passes
 * it to the next worker in slot order, so a new connection wakes one process, not all of them. nginx's
 * {@code accept_mutex} did this with a lock in shared memory; here the turn travels over the workers' stdin and
 * stdout, which the master already holds.
 */
final class AcceptMutex {
    private final Supplier<List<WorkerProcess>> workers;
    /** The worker that holds the turn, or null while nobody does. Guarded by this. */
    private WorkerProcess holding;

    /** @param workers each slot's current worker (null while it has none) */
    AcceptMutex(Supplier<List<WorkerProcess>> workers) {
        this.workers = workers;
    }

    /** A worker is serving {@code slot} (it holds the socket): it takes part, and takes the turn if nobody has it. */
    synchronized void joined(int slot, WorkerProcess worker) {
        worker.onReleased(() -> released(slot, worker));
        if (holding == null || !holding.alive()) {
            give(worker);
        }
    }

    synchronized void exited(int slot, WorkerProcess worker) {
        if (worker == holding) {
            passOn(slot);
        }
    }

    private synchronized void released(int slot, WorkerProcess worker) {
        if (worker == holding) {
            passOn(slot);
        }
    }

    /** The next live worker after {@code slot}, round the slots, gets the turn (the same one if it is alone). */
    private void passOn(int slot) {
        List<WorkerProcess> current = workers.get();
        holding = null;
        for (int i = 1; i <= current.size(); i++) {
            int next = (slot + i) % current.size();
            WorkerProcess w = current.get(next);
            if (w != null && w.alive() && w.readyNow() != null) {
                give(w);
                return;
            }
        }
    }

    private void give(WorkerProcess worker) {
        holding = worker;
        worker.giveTurn();
    }
}
