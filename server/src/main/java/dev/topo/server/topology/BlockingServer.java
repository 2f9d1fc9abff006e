package dev.topo.server.topology;

import dev.topo.config.LimitsConfig;
import dev.topo.config.ServerConfig;
import dev.topo.server.http.DrainEvent;
import dev.topo.server.http.ConnectionPipeline;
import dev.topo.server.listen.ListeningSocket;
import dev.topo.server.listen.ListeningSockets;
import dev.topo.server.metrics.ListenerStats;
import dev.topo.server.metrics.LoopStats;
import dev.topo.server.metrics.ServerMetrics;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.embedded.EmbeddedChannel;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.channels.ClosedSelectorException;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What the blocking models share: an acceptor that waits on the server's listening sockets, and {@link #serve} which
 * runs one connection to its end on the calling thread. The acceptor blocks in a {@link Selector} rather than in
 * {@code accept} itself: the sockets stay non-blocking because, during a live switch, an event loop of the next (or
 * previous) generation watches them too. The bytes go through the very handlers the event-loop topologies use, on an
 * {@link EmbeddedChannel} driven by this thread, so every model answers the same routes with the same limits,
 * headers and metrics; only who waits on the socket differs.
 */
final class BlockingServer {
    private static final Logger log = LoggerFactory.getLogger(BlockingServer.class);

    final ServerConfig config;
    final ServerMetrics metrics;
    final ListenerStats listener;
    private final ConnectionPipeline pipeline;
    private final Set<Socket> open = ConcurrentHashMap.newKeySet();
    /** Sockets in the middle of a write, and since when: what the send timeout watches. */
    private final Map<Socket, Long> writing = new ConcurrentHashMap<>();
    private final ScheduledExecutorService writeWatch = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "topo-send-watch");
        t.setDaemon(true);
        return t;
    });
    /** How often a blocked read wakes to run the timeout checks; a quarter of the shortest timeout. */
    private final int tickMillis;
    private final ListeningSockets sockets;
    private Selector selector;
    private volatile boolean acceptingStopped;
    private volatile boolean draining;

    BlockingServer(ServerConfig config, ServerMetrics metrics, ListeningSockets sockets) {
        this.config = config;
        this.metrics = metrics;
        this.sockets = sockets;
        this.listener = metrics.addListener(0);
        this.pipeline = new ConnectionPipeline(config, metrics, null);
        LimitsConfig limits = config.limits();
        long shortest = Math.min(limits.idleTimeout().toMillis(),
                Math.min(limits.requestTimeout().toMillis(), limits.sendTimeout().toMillis()));
        // A quarter of the shortest timeout, at most 250 ms: a limit fires within a quarter second of its bound.
        this.tickMillis = (int) Math.max(20, Math.min(250, shortest / 4));
    }

    /**
     * Closes the sockets whose write has been stuck longer than {@code sendTimeout} (a client that does not read):
     * closing is what unblocks the thread in its write. One check a tick, on a daemon thread of its own.
     */
    private void watchWrites() {
        long limit = config.limits().sendTimeout().toNanos();
        long now = System.nanoTime();
        writing.forEach((socket, since) -> {
            if (now - since > limit) {
                log.debug("send timeout: {} read nothing for {}", socket, config.limits().sendTimeout());
                try {
                    socket.close();
                } catch (IOException e) {
                    log.debug("closing {}", socket, e);
                }
            }
        });
    }

    InetSocketAddress bind(String acceptorThread) {
        writeWatch.scheduleWithFixedDelay(this::watchWrites, tickMillis, tickMillis, TimeUnit.MILLISECONDS);
        // One socket; more only after a switch from a kind with more: the acceptor waits on all of them.
        List<ListeningSocket> watched = sockets.take(1);
        try {
            selector = Selector.open();
            for (ListeningSocket s : watched) {
                s.channel().register(selector, SelectionKey.OP_ACCEPT);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        InetSocketAddress bound = sockets.address();
        listener.bound(bound, acceptorThread);
        return bound;
    }

    /** The next connection, or null once this server stopped accepting. */
    Socket accept() {
        try {
            while (!acceptingStopped) {
                selector.select();
                for (Iterator<SelectionKey> it = selector.selectedKeys().iterator(); it.hasNext(); ) {
                    SelectionKey key = it.next();
                    it.remove();
                    // Null when another acceptor (another generation's, during a switch) took it first.
                    SocketChannel ch = ((ServerSocketChannel) key.channel()).accept();
                    if (ch != null) {
                        listener.accepted();
                        // Accepted channels start in blocking mode: serve() reads and writes them as streams.
                        return ch.socket();
                    }
                }
            }
        } catch (ClosedSelectorException e) {
            // stopAccepting() closed it
        } catch (IOException e) {
            if (!acceptingStopped) {
                log.warn("accept failed", e);
            }
        }
        return null;
    }

    /** The acceptor returns null from now on; the listening sockets stay open (the server owns them). */
    void stopAccepting() {
        acceptingStopped = true;
        try {
            if (selector != null) {
                selector.close();
            }
        } catch (IOException e) {
            log.debug("closing the accept selector", e);
        }
    }

    boolean draining() {
        return draining;
    }

    /** Serves {@code socket} until either side closes it; {@code thread} is what {@code X-Topo-Loop} says. */
    void serve(Socket socket, LoopStats loop, String thread) {
        open.add(socket);
        EmbeddedChannel ch = new EmbeddedChannel(new ChannelInitializer<Channel>() {
            @Override
            protected void initChannel(Channel c) {
                pipeline.build(c.pipeline(), loop, thread, null);
            }
        });
        try (socket) {
            socket.setTcpNoDelay(true);
            socket.setSoTimeout(tickMillis);
            InputStream in = socket.getInputStream();
            OutputStream out = socket.getOutputStream();
            byte[] buf = new byte[16 * 1024];
            boolean drainSeen = false;
            boolean endOfStream = false;
            while (ch.isOpen()) {
                if (draining && !drainSeen) {
                    // Told on this connection's own thread, as an event loop would tell its handlers.
                    drainSeen = true;
                    ch.pipeline().fireUserEventTriggered(DrainEvent.INSTANCE);
                }
                int n;
                try {
                    n = in.read(buf);
                } catch (SocketTimeoutException tick) {
                    ch.runScheduledPendingTasks();
                    writeOut(socket, ch, out);
                    continue;
                }
                if (n < 0) {
                    endOfStream = true;
                    break;
                }
                // A copy: the decoder may keep slices of its input past this call, and buf is reused.
                ch.writeInbound(ch.alloc().buffer(n).writeBytes(buf, 0, n));
                writeOut(socket, ch, out);
            }
            if (!endOfStream) {
                lingeringClose(socket, in, buf);
            }
        } catch (SocketException e) {
            log.debug("connection reset: {}", e.getMessage());
        } catch (IOException e) {
            log.debug("connection failed", e);
        } finally {
            ch.finishAndReleaseAll();
            open.remove(socket);
        }
    }

    private void writeOut(Socket socket, EmbeddedChannel ch, OutputStream out) throws IOException {
        writing.put(socket, System.nanoTime());
        try {
            for (Object msg = ch.readOutbound(); msg != null; msg = ch.readOutbound()) {
                ByteBuf buf = (ByteBuf) msg;
                try {
                    buf.getBytes(buf.readerIndex(), out, buf.readableBytes());
                } finally {
                    buf.release();
                }
            }
            out.flush();
        } finally {
            writing.remove(socket);
        }
    }

    /**
     * The server ended the connection (an error response, Connection: close): shut the output so the client reads
     * the response and then end-of-stream, and drop what it still sends, for at most {@code lingerTimeout} or
     * 256 KiB, so that closing with unread input (which makes the kernel send a reset) cannot destroy the response.
     */
    private void lingeringClose(Socket socket, InputStream in, byte[] buf) {
        try {
            socket.shutdownOutput();
            long deadline = System.nanoTime() + config.limits().lingerTimeout().toNanos();
            for (int drained = 0; drained < 256 * 1024 && System.nanoTime() < deadline; ) {
                int n;
                try {
                    n = in.read(buf);
                } catch (SocketTimeoutException tick) {
                    continue;
                }
                if (n < 0) {
                    return;
                }
                drained += n;
            }
        } catch (IOException e) {
            log.debug("lingering close: {}", e.getMessage());
        }
    }

    /**
     * Stops accepting; each connection's thread then passes the drain to its handlers at its next read or tick
     * (within a tick), so the request in progress, or the next one, is answered with {@code Connection: close}.
     */
    void beginDrain() {
        draining = true;
        stopAccepting();
    }

    /** What the drain left open. */
    int closeAll() {
        writeWatch.shutdownNow();
        int left = open.size();
        for (Socket s : open) {
            try {
                s.close();
            } catch (IOException e) {
                log.debug("closing {}", s, e);
            }
        }
        return left;
    }

    int openConnections() {
        return open.size();
    }
}
