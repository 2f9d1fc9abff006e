package dev.topo.server.topology;

import dev.topo.config.ServerConfig;
import dev.topo.server.listen.ListeningSockets;
import dev.topo.server.metrics.LoopStats;
import dev.topo.server.metrics.ServerMetrics;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * The textbook baseline: one thread ({@code topo-iterative}) accepts a connection, serves it to its end, then accepts
 * the next. A slow handler or a client that keeps its connection open holds everyone else up; that is what it shows.
 */
public final class IterativeTopology extends BlockingTopology {
    private static final String THREAD = "topo-iterative";
    private Thread thread;

    public IterativeTopology(ServerConfig config, ServerMetrics metrics, ListeningSockets sockets) {
        super(config, metrics, sockets);
    }

    @Override
    public InetSocketAddress start() {
        InetSocketAddress address = server.bind(THREAD);
        LoopStats loop = server.metrics.addLoop(server.listener, THREAD);
        thread = new Thread(() -> {
            for (Socket s = server.accept(); s != null; s = server.accept()) {
                server.serve(s, loop, THREAD);
            }
        }, THREAD);
        thread.start();
        return address;
    }

    @Override
    public void stop(Duration drainTimeout) throws InterruptedException {
        server.beginDrain();
        if (thread != null) {
            thread.join(Math.max(1, TimeUnit.NANOSECONDS.toMillis(drainTimeout.toNanos())));
            server.closeAll();
            thread.join(5_000);
        }
    }
}
