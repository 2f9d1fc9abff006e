package dev.topo.server.http;

import io.netty.channel.Channel;
import io.netty.util.concurrent.EventExecutor;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Every open connection of a set of event loops, so that a graceful stop can reach them. One plain set per loop,
 * touched only on that loop's thread: opening and closing a connection costs a hash-set insert and remove, with no
 * lock, no atomic and no close listener (a {@code ChannelGroup} pays a concurrent map and a listener per
 * connection, a measurable part of a connection's user-space cost). The stopping thread reads each set on its loop.
 */
public final class OpenConnections {
    private final Map<EventExecutor, Set<Channel>> byLoop = new ConcurrentHashMap<>();

    /**
     * The set of {@code loop}'s connections, asked for when a listener's initializer is set up; only {@code loop}'s
     * thread may change or read it.
     */
    Set<Channel> of(EventExecutor loop) {
        return byLoop.computeIfAbsent(loop, l -> new HashSet<>());
    }

    /**
     * The connections open now, read on each loop's thread. A loop that no longer runs tasks (shut down) has closed
     * its channels and contributes none.
     */
    public List<Channel> snapshot() throws InterruptedException {
        List<Channel> open = new ArrayList<>();
        for (Map.Entry<EventExecutor, Set<Channel>> entry : byLoop.entrySet()) {
            EventExecutor loop = entry.getKey();
            Set<Channel> set = entry.getValue();
            if (loop.isShuttingDown()) {
                continue;
            }
            try {
                open.addAll(loop.submit(() -> List.copyOf(set)).get(5, TimeUnit.SECONDS));
            } catch (ExecutionException | TimeoutException | RejectedExecutionException stopped) {
                // The loop stopped between the check and the task (or is stuck): its connections are beyond reach.
            }
        }
        return open;
    }
}
