package dev.topo.server.http;

import io.netty.util.concurrent.AbstractEventExecutor;
import io.netty.util.concurrent.AbstractEventExecutorGroup;
import io.netty.util.concurrent.DefaultPromise;
import io.netty.util.concurrent.EventExecutor;
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.GlobalEventExecutor;
import io.netty.util.concurrent.OrderedEventExecutor;
import io.netty.util.concurrent.Promise;
import java.util.Collections;
import java.util.Iterator;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Half-sync/half-reactor: one {@link ThreadPoolExecutor} whose single queue every I/O loop feeds, and whichever of
 * its threads is free takes the next connection that has a request ready. No connection is tied to a thread.
 *
 * <p>It is an {@link io.netty.util.concurrent.EventExecutorGroup} so that the one HTTP handler runs on it unchanged,
 * added with {@code pipeline.addLast(offload, "http", handler)} as for the pinned offload: {@link #next()} gives
 * each connection its own {@link ConnectionTurns}, an executor with no thread that runs the connection's handler
 * tasks one at a time, in order, on whichever pool thread takes its turn. So a connection has one request in hand
 * at a time: its responses leave in request order with no reorder buffer, and the handler, which keeps the current
 * request's state, is never entered by two threads at once. What it gives up: pipelined requests of one connection
 * do not run in parallel (they did not under pinned either); what it buys: a slow request holds up its own
 * connection only, not the other connections that pinned would have put on the same thread.
 *
 * <p>Bounded twice. The executor's queue holds a connection at most once (a connection re-enters it only after its
 * turn), so its length is at most the open connections. The requests themselves are counted server-wide by
 * {@link RequestFlow} through {@link #tryAdmit()}: at most {@code capacity} requests queued or running; past that,
 * a request is answered 503 by the HTTP handler (the one response encoder) and its connection closed, and
 * {@code onRejected} counts it.
 */
public final class SharedQueueOffload extends AbstractEventExecutorGroup {
    /** Handler tasks one turn may run: a keep-alive request is about three (head, end, read-complete). */
    private static final int TASKS_PER_TURN = 16;

    private final ThreadPoolExecutor pool;
    private final int capacity;
    private final AtomicInteger admitted = new AtomicInteger();
    private final Runnable onRejected;
    private final Promise<Void> terminated = new DefaultPromise<>(GlobalEventExecutor.INSTANCE);

    /**
     * @param threads    worker threads, all started at once so the first requests do not pay for thread starts
     * @param capacity   requests queued or running at most, server-wide
     * @param maxConnections the most connections open at once ({@code limits.maxConnections}): the queue's bound
     * @param onRejected counts a request answered 503 because the queue was full
     */
    public SharedQueueOffload(int threads, int capacity, int maxConnections, ThreadFactory threadFactory,
            Runnable onRejected) {
        // Bounded by the open connections: each is in the queue at most once.
        this.pool = new ThreadPoolExecutor(threads, threads, 0, TimeUnit.MILLISECONDS,
                new LinkedBlockingQueue<>(maxConnections), threadFactory);
        pool.prestartAllCoreThreads();
        this.capacity = capacity;
        this.onRejected = onRejected;
    }

    public int capacity() {
        return capacity;
    }

    /** Takes a place for one request; false when {@code capacity} requests are already queued or running. */
    boolean tryAdmit() {
        while (true) {
            int now = admitted.get();
            if (now >= capacity) {
                onRejected.run();
                return false;
            }
            if (admitted.compareAndSet(now, now + 1)) {
                return true;
            }
        }
    }

    /** Gives back {@code places} taken by {@link #tryAdmit()}: requests answered, or whose connection closed. */
    void release(int places) {
        admitted.addAndGet(-places);
    }

    /** Requests queued or running now. */
    public int admitted() {
        return admitted.get();
    }

    /** A new connection's executor: a place in the shared queue, not a thread. */
    @Override
    public EventExecutor next() {
        return new ConnectionTurns(this);
    }

    /** The executors are made per connection and not kept, so there is nothing to list. */
    @Override
    public Iterator<EventExecutor> iterator() {
        return Collections.emptyIterator();
    }

    @Override
    public boolean isShuttingDown() {
        return pool.isShutdown();
    }

    /** No quiet period: it is shut down after the loops, when no connection can hand it work any more. */
    @Override
    public Future<?> shutdownGracefully(long quietPeriod, long timeout, TimeUnit unit) {
        pool.shutdown();
        GlobalEventExecutor.INSTANCE.execute(() -> {
            try {
                pool.awaitTermination(timeout, unit);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            terminated.trySuccess(null);
        });
        return terminated;
    }

    @Override
    public Future<?> terminationFuture() {
        return terminated;
    }

    @Override
    @Deprecated
    public void shutdown() {
        pool.shutdown();
    }

    @Override
    public boolean isShutdown() {
        return pool.isShutdown();
    }

    @Override
    public boolean isTerminated() {
        return pool.isTerminated();
    }

    @Override
    public boolean awaitTermination(long timeout, TimeUnit unit) throws InterruptedException {
        return pool.awaitTermination(timeout, unit);
    }

    /**
     * One connection's handler tasks, run one at a time and in order by whichever pool thread takes the connection's
     * turn. While it has tasks the connection is in the pool's queue exactly once; after {@link #TASKS_PER_TURN} it
     * goes to the back, so a connection pipelining many requests does not keep a thread from the others. Marked
     * ordered so that Netty relies on the order (no handler event before {@code handlerAdded} has run).
     */
    private static final class ConnectionTurns extends AbstractEventExecutor
            implements OrderedEventExecutor, Runnable {
        private final SharedQueueOffload group;
        private final Queue<Runnable> tasks = new ConcurrentLinkedQueue<>();
        private final AtomicBoolean queued = new AtomicBoolean();
        /** The pool thread running this connection's turn, so that Netty sees the handler "in its event loop". */
        private volatile Thread running;

        ConnectionTurns(SharedQueueOffload group) {
            super(group);
            this.group = group;
        }

        @Override
        public void execute(Runnable task) {
            tasks.add(task);
            if (queued.compareAndSet(false, true)) {
                try {
                    group.pool.execute(this);
                } catch (RejectedExecutionException e) {
                    // Only after shutdown (the queue has room for every connection): Netty releases what the task
                    // carried.
                    queued.set(false);
                    tasks.remove(task);
                    throw e;
                }
            }
        }

        @Override
        public void run() {
            running = Thread.currentThread();
            try {
                for (int i = 0; i < TASKS_PER_TURN; i++) {
                    Runnable task = tasks.poll();
                    if (task == null) {
                        break;
                    }
                    safeExecute(task);
                }
            } finally {
                running = null;
                queued.set(false);
            }
            // A task added after the poll above found queued still true and left the scheduling to this turn.
            if (!tasks.isEmpty() && queued.compareAndSet(false, true)) {
                try {
                    group.pool.execute(this);
                } catch (RejectedExecutionException e) {
                    queued.set(false);
                }
            }
        }

        @Override
        public boolean inEventLoop(Thread thread) {
            return thread == running;
        }

        @Override
        public boolean isShuttingDown() {
            return group.isShuttingDown();
        }

        @Override
        public Future<?> shutdownGracefully(long quietPeriod, long timeout, TimeUnit unit) {
            return group.terminationFuture();
        }

        @Override
        public Future<?> terminationFuture() {
            return group.terminationFuture();
        }

        @Override
        @Deprecated
        public void shutdown() {
            // The group owns the threads.
        }

        @Override
        public boolean isShutdown() {
            return group.isShutdown();
        }

        @Override
        public boolean isTerminated() {
            return group.isTerminated();
        }

        @Override
        public boolean awaitTermination(long timeout, TimeUnit unit) throws InterruptedException {
            return group.awaitTermination(timeout, unit);
        }
    }
}
