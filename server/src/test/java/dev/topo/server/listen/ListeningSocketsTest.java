package dev.topo.server.listen;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.topo.config.BindConfig;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The sockets a switch hands over, without a server: connections the kernel queued (and nobody accepted) on
 * sockets a generation no longer wants must still be accepted afterwards, on either path.
 */
@Timeout(30)
class ListeningSocketsTest {
    private static final Path MIGRATE_REQ = Path.of("/proc/sys/net/ipv4/tcp_migrate_req");
    private static final int QUEUED = 64;

    @Test
    void eachSocketHasItsOwnFdAndSharesThePort() throws IOException {
        try (ListeningSockets sockets = new ListeningSockets(new BindConfig("127.0.0.1", 0), 128)) {
            List<ListeningSocket> four = sockets.take(4);
            Set<Integer> fds = new HashSet<>();
            four.forEach(s -> fds.add(s.fd()));
            assertEquals(4, fds.size(), "distinct fds: " + fds);
            for (ListeningSocket s : four) {
                assertEquals(sockets.address().getPort(),
                        ((InetSocketAddress) s.channel().getLocalAddress()).getPort());
                // The fd found in /proc is the channel's own socket: same inode.
                assertEquals(Files.readSymbolicLink(Path.of("/proc/self/fd/" + s.fd())).toString(),
                        "socket:[" + inodeOf(s) + "]");
            }
            assertEquals("grown", sockets.commit().path());
        }
    }

    @Test
    void fewerWithoutMigrationKeepsEverySocketAndLosesNothing() throws IOException {
        try (ListeningSockets sockets = new ListeningSockets(new BindConfig("127.0.0.1", 0), 128, () -> false)) {
            sockets.take(4);
            sockets.commit();
            List<Socket> clients = queue(sockets.address());
            List<ListeningSocket> watched = sockets.take(1);
            SocketHandover h = sockets.commit();
            assertEquals("folded", h.path());
            assertEquals(4, watched.size(), "the new generation watches all four");
            assertEquals(QUEUED, acceptAll(watched));
            close(clients);
        }
    }

    @Test
    void fewerUnderTcpMigrateReqClosesTheRestAndTheirQueuesMove() throws IOException {
        assumeTrue(Files.isWritable(MIGRATE_REQ), "needs root to turn net.ipv4.tcp_migrate_req on");
        String was = Files.readString(MIGRATE_REQ).trim();
        Files.writeString(MIGRATE_REQ, "1");
        try (ListeningSockets sockets = new ListeningSockets(new BindConfig("127.0.0.1", 0), 128)) {
            sockets.take(4);
            sockets.commit();
            List<Socket> clients = queue(sockets.address());
            List<ListeningSocket> watched = sockets.take(1);
            SocketHandover h = sockets.commit();
            assertEquals("tcp_migrate_req", h.path());
            assertEquals(3, h.closed());
            assertEquals(1, watched.size());
            // Everything queued on the three closed sockets is now on the one left.
            assertEquals(QUEUED, acceptAll(watched));
            close(clients);
        } finally {
            Files.writeString(MIGRATE_REQ, was);
        }
    }

    /** Connects {@code QUEUED} clients; the kernel hashes them over the sockets and queues them (nobody accepts). */
    private static List<Socket> queue(InetSocketAddress address) throws IOException {
        List<Socket> clients = new ArrayList<>();
        for (int i = 0; i < QUEUED; i++) {
            clients.add(new Socket(address.getAddress(), address.getPort()));
        }
        return clients;
    }

    private static int acceptAll(List<ListeningSocket> sockets) throws IOException {
        int accepted = 0;
        long deadline = System.nanoTime() + 5_000_000_000L;
        while (accepted < QUEUED && System.nanoTime() < deadline) {
            for (ListeningSocket s : sockets) {
                for (SocketChannel c = s.channel().accept(); c != null; c = s.channel().accept()) {
                    accepted++;
                    c.close();
                }
            }
        }
        return accepted;
    }

    private static void close(List<Socket> clients) throws IOException {
        for (Socket c : clients) {
            c.close();
        }
    }

    private static long inodeOf(ListeningSocket s) throws IOException {
        long inode = SocketInodes.ofLink(Files.readSymbolicLink(Path.of("/proc/self/fd/" + s.fd())).toString());
        assertNotEquals(-1, inode);
        assertTrue(inode > 0);
        return inode;
    }
}
