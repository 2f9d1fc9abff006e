package dev.topo.server.topology;

import dev.topo.config.ConfigException;
import dev.topo.config.ServerConfig;
import dev.topo.config.ThreadKind;
import dev.topo.config.ThreadPerConnectionParameters;
import dev.topo.server.listen.ListeningSockets;
import dev.topo.server.metrics.LoopStats;
import dev.topo.server.metrics.ServerMetrics;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.time.Duration;
import java.util.concurrent.Semaphore;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A blocking acceptor ({@code topo-acceptor-0}) starts a new thread for every connection ({@code topo-conn-N}, or
 * {@code topo-vconn-N} for virtual threads), which serves it to its end: the classic Java server before NIO, and
 * with virtual threads the way Loom brings it back. {@code maxThreads} bounds the live connection threads: beyond
 * it the acceptor waits and new connections queue in the kernel's backlog.
 */
public final class ThreadPerConnectionTopology extends BlockingTopology {
    private static final String ACCEPTOR = "topo-acceptor-0";
    private final ThreadFactory threads;
    private final String prefix;
    private final Semaphore slots;
    private final AtomicLong live = new AtomicLong();
    private Thread acceptor;

    public ThreadPerConnectionTopology(ServerConfig config, ServerMetrics metrics, ListeningSockets sockets) {
        super(config, metrics, sockets);
        ThreadPerConnectionParameters parameters = config.topology().parameters(ThreadPerConnectionParameters.class);
        ThreadKind kind = parameters.threads();
        this.threads = kind == ThreadKind.VIRTUAL ? VirtualThreads.factory()
                : r -> new Thread(r);
        this.prefix = kind == ThreadKind.VIRTUAL ? "topo-vconn-" : "topo-conn-";
        this.slots = new Semaphore(parameters.maxThreads());
    }

    @Override
    public InetSocketAddress start() {
        InetSocketAddress address = server.bind(ACCEPTOR);
        // Threads come and go with connections, so they share one set of counters (updated atomically).
        LoopStats loop = server.metrics.addLoop(server.listener, prefix + "*", true);
        AtomicLong ids = new AtomicLong();
        acceptor = new Thread(() -> {
            while (!server.draining()) {
                try {
                    slots.acquire();
                } catch (InterruptedException e) {
                    return;
                }
                Socket s = server.accept();
                if (s == null) {
                    slots.release();
                    return;
                }
                String name = prefix + ids.incrementAndGet();
                Thread t = threads.newThread(() -> {
                    try {
                        server.serve(s, loop, name);
                    } finally {
                        live.decrementAndGet();
                        slots.release();
                    }
                });
                t.setName(name);
                live.incrementAndGet();
                t.start();
            }
        }, ACCEPTOR);
        acceptor.start();
        return address;
    }

    @Override
    public void stop(Duration drainTimeout) throws InterruptedException {
        server.beginDrain();
        long deadline = System.nanoTime() + drainTimeout.toNanos();
        if (acceptor != null) {
            acceptor.interrupt();
            // A connection it accepted just now gets its thread (and is counted live) before the wait below.
            acceptor.join(5_000);
        }
        while (live.get() > 0 && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        server.closeAll();
        long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (live.get() > 0 && System.nanoTime() < until) {
            Thread.sleep(10);
        }
    }

    /** Virtual threads through reflection: the build targets Java 17, where they do not exist. */
    static final class VirtualThreads {
        private VirtualThreads() {
        }

        static ThreadFactory factory() {
            try {
                Object builder = Thread.class.getMethod("ofVirtual").invoke(null);
                Class<?> builderType = Class.forName("java.lang.Thread$Builder");
                return (ThreadFactory) builderType.getMethod("factory").invoke(builder);
            } catch (NoSuchMethodException | ClassNotFoundException e) {
                throw ConfigException.invalid("topology.threads", "virtual", "platform on this JVM: virtual threads "
                        + "need a Java 21+ runtime, this is Java " + Runtime.version().feature());
            } catch (ReflectiveOperationException e) {
                throw new IllegalStateException("cannot create virtual threads", e);
            }
        }
    }
}
