package dev.topo.server.listen;

import dev.topo.config.BindConfig;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.channels.ServerSocketChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The server's listening sockets on one {@code bind} address, owned by the server rather than by a topology: a
 * generation takes the ones it needs and watches them, the next generation watches the same sockets, and they are
 * never closed and bound again, so the kernel's accept queue and the handshakes in flight survive a switch.
 *
 * <p>Every socket is bound with {@code SO_REUSEPORT}, so a generation that wants more sockets than are open (a
 * reuseport topology after a single-acceptor one) binds the extra ones on the same port beside them. One that wants
 * fewer gets fewer only when the kernel moves a closed listener's queued connections to a sibling
 * ({@code net.ipv4.tcp_migrate_req = 1}); otherwise it is handed every open socket and watches the extra ones too,
 * because closing a listening socket resets what is queued on it.
 *
 * <p>A switch is {@link #take} (by the new generation's start), then {@link #commit} once the old generation has
 * stopped accepting, or {@link #abandon} if the new one failed to start.
 */
public final class ListeningSockets implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(ListeningSockets.class);
    private static final Path MIGRATE_REQ = Path.of("/proc/sys/net/ipv4/tcp_migrate_req");

    private final BindConfig bind;
    private final int backlog;
    private final BooleanSupplier kernelMigrates;
    private final List<ListeningSocket> open = new ArrayList<>();
    /** Of the switch under way: sockets bound for it, and sockets it leaves (closed at commit). */
    private final List<ListeningSocket> opened = new ArrayList<>();
    private final List<ListeningSocket> leaving = new ArrayList<>();
    private boolean folded;
    private int port;

    /** Sockets on {@code bind}; fewer are closed only while {@code /proc/sys/net/ipv4/tcp_migrate_req} says 1. */
    public ListeningSockets(BindConfig bind, int backlog) {
        this(bind, backlog, ListeningSockets::kernelMigratesRequests);
    }

    /** As above, asking {@code kernelMigrates} instead of the kernel (a test takes the folding path with it). */
    public ListeningSockets(BindConfig bind, int backlog, BooleanSupplier kernelMigrates) {
        this.bind = bind;
        this.backlog = backlog;
        this.kernelMigrates = kernelMigrates;
        this.port = bind.port();
    }

    /** Whether closing a reuseport listener moves its queue to a sibling (Linux 5.14+, off by default). */
    public static boolean kernelMigratesRequests() {
        try {
            return Files.readString(MIGRATE_REQ).trim().equals("1");
        } catch (IOException e) {
            return false;
        }
    }

    public BindConfig bind() {
        return bind;
    }

    /**
     * The sockets a generation that wants {@code wanted} of them watches, in order: the first {@code wanted} are its
     * own listeners; any beyond are ones it must watch as well (see the class comment). Binds what is missing.
     */
    public synchronized List<ListeningSocket> take(int wanted) {
        if (wanted < 1) {
            throw new IllegalArgumentException("wanted: " + wanted + " (expected: >= 1)");
        }
        while (open.size() < wanted) {
            ListeningSocket s = bindOne(open.size());
            open.add(s);
            opened.add(s);
        }
        if (open.size() > wanted && opened.isEmpty()) {
            if (kernelMigrates.getAsBoolean()) {
                leaving.clear();
                leaving.addAll(open.subList(wanted, open.size()));
                return List.copyOf(open.subList(0, wanted));
            }
            folded = true;
        }
        return List.copyOf(open);
    }

    /** Once the old generation has stopped accepting: closes the sockets the new one left, and says what changed. */
    public synchronized SocketHandover commit() {
        int watched = open.size() - leaving.size();
        String path = !leaving.isEmpty() ? "tcp_migrate_req" : folded ? "folded" : !opened.isEmpty() ? "grown"
                : "kept";
        for (ListeningSocket s : leaving) {
            // Queued and half-open connections move to a socket that stays (tcp_migrate_req).
            closeQuietly(s);
            open.remove(s);
        }
        SocketHandover handover = new SocketHandover(watched, opened.size(), leaving.size(), path);
        reset();
        return handover;
    }

    /** The new generation did not start: the old one still watches what it watched; sockets bound for it go. */
    public synchronized void abandon() {
        for (ListeningSocket s : opened) {
            closeQuietly(s);
            open.remove(s);
        }
        reset();
    }

    private void reset() {
        opened.clear();
        leaving.clear();
        folded = false;
    }

    /** Where clients connect: the configured host, the bound port (the real one when 0 was asked for). */
    public synchronized InetSocketAddress address() {
        return new InetSocketAddress(bind.host(), port);
    }

    public synchronized int size() {
        return open.size();
    }

    @Override
    public synchronized void close() {
        for (ListeningSocket s : open) {
            closeQuietly(s);
        }
        open.clear();
        reset();
    }

    private ListeningSocket bindOne(int index) {
        ServerSocketChannel ch = null;
        try {
            ch = ServerSocketChannel.open();
            ch.setOption(StandardSocketOptions.SO_REUSEADDR, true);
            // Every socket, even a lone one: a later generation may add siblings on the same port.
            ch.setOption(StandardSocketOptions.SO_REUSEPORT, true);
            ch.bind(new InetSocketAddress(bind.host(), port), backlog);
            // Never blocking: event loops and blocking acceptors may watch it at the same time during a switch.
            ch.configureBlocking(false);
            port = ((InetSocketAddress) ch.getLocalAddress()).getPort();
            return new ListeningSocket(index, ch, fdOf(port));
        } catch (IOException | RuntimeException e) {
            if (ch != null) {
                try {
                    ch.close();
                } catch (IOException ignored) {
                    // the bind failure is what matters
                }
            }
            String reason = e instanceof IOException ? e.getMessage() : e.toString();
            throw new UncheckedIOException(new IOException("cannot listen on " + bind.host() + ":" + port + ": "
                    + reason, e));
        }
    }

    /** The fd of the socket just bound on {@code port}: the listening inode none of the open sockets has. */
    private int fdOf(int port) throws IOException {
        List<String> table = new ArrayList<>();
        for (String name : new String[] {"/proc/net/tcp", "/proc/net/tcp6"}) {
            Path p = Path.of(name);
            if (Files.exists(p)) {
                table.addAll(Files.readAllLines(p));
            }
        }
        Set<Long> candidates = SocketInodes.listening(table, port);
        Set<Integer> known = new HashSet<>();
        open.forEach(s -> known.add(s.fd()));
        List<Integer> found = new ArrayList<>();
        try (DirectoryStream<Path> fds = Files.newDirectoryStream(Path.of("/proc/self/fd"))) {
            for (Path link : fds) {
                int fd = Integer.parseInt(link.getFileName().toString());
                String target;
                try {
                    target = Files.readSymbolicLink(link).toString();
                } catch (IOException gone) {
                    continue;
                }
                if (!known.contains(fd) && candidates.contains(SocketInodes.ofLink(target))) {
                    found.add(fd);
                }
            }
        }
        if (found.size() != 1) {
            throw new IOException("cannot tell the new listening socket's fd (" + found.size() + " candidates)");
        }
        return found.get(0);
    }

    private static void closeQuietly(ListeningSocket s) {
        try {
            s.channel().close();
        } catch (IOException e) {
            log.debug("closing listening socket {}", s.index(), e);
        }
    }
}
