package dev.topo.loadgen.engine;

import io.netty.bootstrap.Bootstrap;

/**
 * Connections opened once and reused for every request (wrk's model), up to {@code pipeline} requests in flight on
 * each. A connection that closes, the server's choice or an error, is replaced, after a pause if it failed.
 */
final class KeepAlivePolicy implements ConnectionPolicy {

    @Override
    public void configure(Bootstrap bootstrap) {
        // The defaults: an orderly close.
    }

    @Override
    public void start(Worker w) {
        for (int i = 0; i < w.share; i++) {
            w.openConnection(0);
        }
        w.schedule.fill(w, 0);
    }

    @Override
    public void onActive(Worker w, Connection c, long now) {
        w.schedule.onReady(w, c, now);
        c.flush();
    }

    /** The flush comes with the end of the read batch, however many responses the batch completed. */
    @Override
    public void onResponse(Worker w, Connection c, long now) {
        if (c.closing || w.stopping) {
            if (c.inFlight() == 0) {
                c.ctx.close();
            }
            return;
        }
        w.schedule.onReady(w, c, now);
    }

    @Override
    public void onClosed(Worker w, Connection c) {
        w.reconnect(c);
    }

    @Override
    public void onConnectFailed(Worker w, Connection c) {
        w.reconnect(c);
    }

    @Override
    public boolean canSend(Worker w) {
        return w.firstIdle() != null;
    }

    @Override
    public void send(Worker w, long due, long now) {
        w.stats.recordSendLag(now - due);
        Connection c = w.pollIdle();
        c.send(due);
        c.flush();
        if (c.inFlight() < w.pipeline) {
            w.offerIdle(c);
        }
    }
}
