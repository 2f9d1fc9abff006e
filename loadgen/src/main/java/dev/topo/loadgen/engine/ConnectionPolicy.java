package dev.topo.loadgen.engine;

import io.netty.bootstrap.Bootstrap;

/**
 * How requests map onto TCP connections: what a connection does once connected, after a response and once closed.
 * When a request goes out is the {@link Schedule}'s decision; the policy asks it whenever capacity comes free.
 * Policies hold no per-thread state, so one serves every worker of a run.
 */
sealed interface ConnectionPolicy permits KeepAlivePolicy, PerRequestPolicy {

    static ConnectionPolicy of(LoadSpec spec) {
        return spec.connectionMode() == ConnectionMode.PER_REQUEST
                ? new PerRequestPolicy(spec.closeMode()) : new KeepAlivePolicy();
    }

    /** Socket options of this policy's connections. */
    void configure(Bootstrap bootstrap);

    /** Opens what the run starts with. */
    void start(Worker w);

    /** {@code c} has connected, and the run is not stopping or {@code c} carries a request of the window. */
    void onActive(Worker w, Connection c, long now);

    /** A response on {@code c} is complete. */
    void onResponse(Worker w, Connection c, long now);

    /** {@code c} has closed and freed its slot, and the run goes on. */
    void onClosed(Worker w, Connection c);

    /** {@code c} could not connect and has freed its slot, and the run goes on. */
    void onConnectFailed(Worker w, Connection c);

    /** Open loop: whether a due request has somewhere to go now. */
    boolean canSend(Worker w);

    /**
     * Open loop: sends the request due at {@code due}, recording its send lag when it leaves; only after
     * {@link #canSend} said yes.
     */
    void send(Worker w, long due, long now);
}
