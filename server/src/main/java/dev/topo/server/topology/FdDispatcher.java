package dev.topo.server.topology;

import dev.topo.config.Dispatch;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.unix.FileDescriptor;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Which worker process gets each connection the fd-passing master accepts, and what happens to a connection no
 * worker can take yet. Everything here runs on the master's boss loop, which owns the state.
 *
 * <p>The master keeps its copy of each connection until the worker says it received the fd (one byte back per fd),
 * which does three things: a worker that dies with fds unread has them passed to another worker instead of lost; at
 * most {@link #WINDOW} fds wait in one worker's socket, so a stalled worker (stopped, paused, swamped) is passed over
 * and counted; and the kernel's socket buffer never fills, which matters because Netty's domain socket cannot retry
 * an fd the kernel refused for lack of room (it fails the channel). Connections no worker can take wait here, up to
 * the listen backlog, while the listener stops accepting until a worker has room again.
 */
final class FdDispatcher {
    private static final Logger log = LoggerFactory.getLogger(FdDispatcher.class);
    /** Fds in flight to one worker at most. */
    static final int WINDOW = 32;

    private final ServerResources resources;
    private final Dispatch dispatch;
    private final Target[] targets;
    private final Deque<Channel> pending = new ArrayDeque<>();
    private final int maxPending;
    private int nextTarget;
    private boolean paused;
    private long lastPauseLog = System.nanoTime() - TimeUnit.MINUTES.toNanos(1);

    /** One worker as the master sees it. */
    static final class Target {
        final Channel channel;
        /** Connections passed and not yet reported closed: what least-connections compares. */
        int open;
        long dispatched;
        /** Times this worker was passed over because it had {@link #WINDOW} fds unread. */
        long skipped;
        /** The master's copies of the connections passed and not yet acknowledged, oldest first. */
        final Deque<Channel> unacknowledged = new ArrayDeque<>();
        /** Leaving the pool: it finishes what it has and gets nothing new. */
        boolean leaving;

        Target(Channel channel) {
            this.channel = channel;
        }

        boolean hasRoom() {
            return unacknowledged.size() < WINDOW;
        }
    }

    FdDispatcher(ServerResources resources, Dispatch dispatch, int slots) {
        this.resources = resources;
        this.dispatch = dispatch;
        this.targets = new Target[slots];
        this.maxPending = resources.config.topology().listen().backlog();
    }

    /** Each connection the master accepted. */
    void accepted(Channel connection, boolean draining) {
        if (draining || open() + pending.size() >= resources.config.limits().maxConnections()
                || pending.size() >= maxPending) {
            // Server-wide limit: the master counts every worker's connections and the ones waiting here.
            if (!draining) {
                resources.metrics.connectionRejected();
            }
            FdHandoff.refuse(connection);
            return;
        }
        pending.add(connection);
        passPending();
    }

    /** A worker's handoff channel is open: it takes connections from now on. */
    void connected(int slot, Channel channel) {
        targets[slot] = new Target(channel);
        passPending();
    }

    /** Bytes a worker sent back: {@link FdReceiverTopology#RECEIVED} per fd, {@link FdReceiverTopology#CLOSED} per close. */
    void acknowledged(int slot, Channel channel, ByteBuf bytes) {
        Target t = targets[slot];
        if (t == null || t.channel != channel) {
            return;
        }
        while (bytes.isReadable()) {
            if (bytes.readByte() == FdReceiverTopology.RECEIVED) {
                Channel copy = t.unacknowledged.poll();
                if (copy != null) {
                    // The worker holds its own copy now: the master's goes, unread as it always was.
                    copy.unsafe().closeForcibly();
                }
            } else {
                t.open = Math.max(0, t.open - 1);
            }
        }
        passPending();
    }

    /** A worker's handoff channel closed (the worker died): what it had not received goes to the others. */
    void disconnected(int slot, Channel channel) {
        Target t = targets[slot];
        if (t == null || t.channel != channel) {
            return;
        }
        targets[slot] = null;
        if (!t.unacknowledged.isEmpty()) {
            log.info("worker slot {} is gone with {} connections unread: passing them to the others", slot,
                    t.unacknowledged.size());
        }
        for (Channel c = t.unacknowledged.pollLast(); c != null; c = t.unacknowledged.pollLast()) {
            pending.addFirst(c);
        }
        passPending();
    }

    /** {@code slot}'s worker leaves the pool: no new connection goes to it. */
    void leave(int slot) {
        if (targets[slot] != null) {
            targets[slot].leaving = true;
        }
    }

    /** Whether every accepted connection is in a worker's hands: none waits here, none is unacknowledged. */
    boolean settled() {
        if (!pending.isEmpty()) {
            return false;
        }
        for (Target t : targets) {
            if (t != null && !t.unacknowledged.isEmpty()) {
                return false;
            }
        }
        return true;
    }

    /** At stop: connections no worker took are closed. */
    void refusePending() {
        for (Channel c = pending.poll(); c != null; c = pending.poll()) {
            FdHandoff.refuse(c);
        }
    }

    /** Passes what waits while some worker has room; accepts again once nothing waits, or stops accepting. */
    private void passPending() {
        while (!pending.isEmpty()) {
            Target t = choose();
            if (t == null) {
                pause();
                return;
            }
            Channel c = pending.poll();
            t.open++;
            t.dispatched++;
            t.unacknowledged.add(c);
            t.channel.writeAndFlush(new FileDescriptor(TransportChoice.fd(c))).addListener(f -> {
                if (!f.isSuccess()) {
                    // The channel is failing; its close hands what it had not acknowledged to the others.
                    log.debug("passing a connection failed: {}", f.cause().getMessage());
                }
            });
        }
        if (paused) {
            paused = false;
            resources.setAccepting(true);
        }
    }

    /** Nobody can take more: new connections wait in the kernel's backlog rather than here. */
    private void pause() {
        if (paused) {
            return;
        }
        paused = true;
        resources.setAccepting(false);
        // Under a burst this may happen often and for microseconds: said once a minute at most.
        long now = System.nanoTime();
        if (now - lastPauseLog > TimeUnit.MINUTES.toNanos(1)) {
            lastPauseLog = now;
            boolean any = false;
            for (Target t : targets) {
                any |= t != null;
            }
            log.warn(any ? "every worker has {} connections unread: not accepting until one reads"
                    : "no worker is ready: not accepting until one is ({} at most wait in the master)",
                    any ? WINDOW : maxPending);
        }
    }

    /**
     * The worker for the next connection among those with room, by {@code dispatch}; a worker without room is
     * passed over and the skip counted.
     */
    private Target choose() {
        int n = targets.length;
        Target chosen = null;
        for (int i = 0; i < n; i++) {
            int slot = dispatch == Dispatch.ROUND_ROBIN ? (nextTarget + i) % n : i;
            Target t = targets[slot];
            if (t == null || t.leaving) {
                continue;
            }
            if (!t.hasRoom()) {
                t.skipped++;
            } else if (dispatch == Dispatch.ROUND_ROBIN) {
                nextTarget = (slot + 1) % n;
                return t;
            } else if (chosen == null || t.open < chosen.open) {
                chosen = t;
            }
        }
        return chosen;
    }

    private int open() {
        int open = 0;
        for (Target t : targets) {
            open += t == null ? 0 : t.open;
        }
        return open;
    }

    /** Per slot: {open, dispatched, skipped, unacknowledged}, or null for a slot without a worker. */
    long[][] counts() {
        long[][] c = new long[targets.length][];
        for (int i = 0; i < targets.length; i++) {
            Target t = targets[i];
            c[i] = t == null ? null : new long[] {t.open, t.dispatched, t.skipped, t.unacknowledged.size()};
        }
        return c;
    }

    int slots() {
        return targets.length;
    }
}
