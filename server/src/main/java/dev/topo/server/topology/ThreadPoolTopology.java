package dev.topo.server.topology;

import dev.topo.config.Protocol;
import dev.topo.config.ServerConfig;
import dev.topo.config.ThreadPoolParameters;
import dev.topo.config.WhenFull;
import dev.topo.server.http.Rejections;
import dev.topo.server.listen.ListeningSockets;
import dev.topo.server.metrics.LoopStats;
import dev.topo.server.metrics.ServerMetrics;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A blocking acceptor ({@code topo-acceptor-0}) hands each connection to a fixed pool of {@code workers} blocking
 * threads ({@code topo-pool-N}) through a queue of {@code queue} connections; each thread serves one connection to
 * its end. When the queue is full the acceptor either answers 503 and closes ({@code whenFull: reject}) or stops
 * accepting until there is room ({@code block}). Tomcat's classic BIO connector; Apache's worker MPM without the
 * processes.
 */
public final class ThreadPoolTopology extends BlockingTopology {
    private static final String ACCEPTOR = "topo-acceptor-0";

    private final ThreadPoolExecutor pool;
    private final BlockingQueue<Runnable> queue;
    private final Map<Thread, LoopStats> loops = new ConcurrentHashMap<>();
    private Thread acceptor;

    public ThreadPoolTopology(ServerConfig config, ServerMetrics metrics, ListeningSockets sockets) {
        super(config, metrics, sockets);
        ThreadPoolParameters t = config.topology().parameters(ThreadPoolParameters.class);
        this.queue = new ArrayBlockingQueue<>(t.queue());
        AtomicInteger ids = new AtomicInteger();
        this.pool = new ThreadPoolExecutor(t.workers(), t.workers(), 0, TimeUnit.MILLISECONDS, queue, r -> {
            Thread thread = new Thread(r, "topo-pool-" + ids.incrementAndGet());
            loops.put(thread, metrics.addLoop(server.listener, thread.getName()));
            return thread;
        });
    }

    @Override
    public InetSocketAddress start() {
        InetSocketAddress address = server.bind(ACCEPTOR);
        // Every pool thread exists from the start, so /topology lists them before they serve anything.
        pool.prestartAllCoreThreads();
        boolean block = server.config.topology().parameters(ThreadPoolParameters.class).whenFull() == WhenFull.BLOCK;
        acceptor = new Thread(() -> {
            while (true) {
                Socket s = server.accept();
                if (s == null) {
                    return;
                }
                Runnable task = () -> server.serve(s, loops.get(Thread.currentThread()),
                        Thread.currentThread().getName());
                if (block) {
                    try {
                        queue.put(task);
                    } catch (InterruptedException e) {
                        close(s);
                        return;
                    }
                } else if (!queue.offer(task)) {
                    reject(s);
                }
            }
        }, ACCEPTOR);
        acceptor.start();
        return address;
    }

    /** Writing the 503 before reading the request is allowed (RFC 9112 lets a server answer early and close). */
    private void reject(Socket s) {
        server.metrics.connectionRejected();
        if (server.config.protocol() == Protocol.HTTP) {
            // Written by the acceptor, before any handler exists, by the encoder every response comes from (Date,
            // identity headers), then a polite close so the client reads it.
            Rejections.rejectBlocking(s, 0, ACCEPTOR);
        } else {
            close(s);
        }
    }

    private static void close(Socket s) {
        try {
            s.close();
        } catch (IOException ignored) {
            // already closed
        }
    }

    @Override
    public void stop(Duration drainTimeout) throws InterruptedException {
        server.beginDrain();
        if (acceptor != null) {
            // Its accept returns null now; a connection it accepted just now is queued (the pool still takes work,
            // so a blocked put goes through) before the pool stops.
            acceptor.join(5_000);
            acceptor.interrupt();
        }
        pool.shutdown();
        if (!pool.awaitTermination(Math.max(1, drainTimeout.toMillis()), TimeUnit.MILLISECONDS)) {
            server.closeAll();
            pool.shutdownNow();
            pool.awaitTermination(5, TimeUnit.SECONDS);
        } else {
            server.closeAll();
        }
    }
}
