package dev.topo.server.topology;

import io.netty.channel.unix.DomainSocketAddress;
import io.netty.channel.unix.Socket;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A second fd for an open socket, what dup(2) gives in C: neither the JDK nor Netty offers dup, so the fd is sent to
 * this very process over a Unix datagram socket (SCM_RIGHTS), as a master lends a socket to a worker. The copy shares
 * the socket (and its flags) with the original; closing the copy leaves the socket open under the original.
 */
final class FdCopies {
    private FdCopies() {
    }

    /** A new fd for the socket {@code fd} refers to; the caller closes it. Needs a native transport loaded. */
    static int copy(int fd) {
        Path dir = null;
        Socket receiver = null;
        Socket sender = null;
        try {
            dir = Files.createTempDirectory("topo-fd-");
            DomainSocketAddress address = new DomainSocketAddress(dir.resolve("copy").toFile());
            receiver = Socket.newSocketDomainDgram();
            receiver.bind(address);
            sender = Socket.newSocketDomainDgram();
            sender.connect(address);
            if (sender.sendFd(fd) < 0) {
                throw new IOException("sendFd: the socket buffer is full");
            }
            int copy = receiver.recvFd();
            if (copy <= 0) {
                throw new IOException("recvFd: no fd arrived (" + copy + ")");
            }
            return copy;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot copy fd " + fd + ": " + e.getMessage(), e);
        } finally {
            closeQuietly(sender);
            closeQuietly(receiver);
            if (dir != null) {
                try {
                    Files.deleteIfExists(dir.resolve("copy"));
                    Files.deleteIfExists(dir);
                } catch (IOException ignored) {
                    // a leftover empty temporary directory is harmless
                }
            }
        }
    }

    private static void closeQuietly(Socket s) {
        if (s != null) {
            try {
                s.close();
            } catch (IOException ignored) {
                // nothing was sent or the fd already arrived: nothing depends on this close
            }
        }
    }
}
