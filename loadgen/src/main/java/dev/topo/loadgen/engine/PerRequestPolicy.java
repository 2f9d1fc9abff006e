package dev.topo.loadgen.engine;

import io.netty.bootstrap.Bootstrap;
import io.netty.channel.ChannelOption;

/**
 * A new TCP connection for every request, closed once its response is complete: exercises the server's accept
 * path. At most the thread's share of connections is open or opening at once. {@code closeMode} decides who
 * closes, and so on which side TCP's TIME_WAIT lands.
 */
record PerRequestPolicy(CloseMode closeMode) implements ConnectionPolicy {

    @Override
    public void configure(Bootstrap bootstrap) {
        if (closeMode == CloseMode.RESET) {
            bootstrap.option(ChannelOption.SO_LINGER, 0);
        }
    }

    @Override
    public void start(Worker w) {
        w.schedule.fill(w, w.share);
    }

    @Override
    public void onActive(Worker w, Connection c, long now) {
        c.send(w.schedule.latencyOrigin(c));
        c.flush();
    }

    @Override
    public void onResponse(Worker w, Connection c, long now) {
        if (c.inFlight() > 0) {
            return;
        }
        if (closeMode == CloseMode.SERVER && c.closing && !w.stopping) {
            // Wait for the server's FIN; the worker's timeout scan closes it if the server never sends one.
            c.closeWaitStart = now;
        } else {
            c.ctx.close();
        }
    }

    @Override
    public void onClosed(Worker w, Connection c) {
        w.schedule.fill(w, 1);
    }

    @Override
    public void onConnectFailed(Worker w, Connection c) {
        w.schedule.onConnectFailed(w, c);
    }

    @Override
    public boolean canSend(Worker w) {
        return w.slotsInUse < w.share;
    }

    @Override
    public void send(Worker w, long due, long now) {
        w.openConnection(due);
    }
}
