package dev.topo.server.listen;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Reads the kernel's table of TCP sockets ({@code /proc/net/tcp}, {@code /proc/net/tcp6}): the inodes of the sockets
 * listening on a port. With the links in {@code /proc/self/fd} this finds the fd number of a listening socket the JDK
 * opened, which Netty's native transports need to watch it; the JDK has no public way to say it.
 */
final class SocketInodes {
    /** {@code st} of a socket in the listen state. */
    private static final String LISTEN = "0A";

    private SocketInodes() {
    }

    /** The inodes of the sockets listening on {@code port}, from the lines of one or more of those tables. */
    static Set<Long> listening(List<String> lines, int port) {
        Set<Long> inodes = new LinkedHashSet<>();
        for (String line : lines) {
            String[] f = line.trim().split("\\s+");
            // sl local_address rem_address st tx_queue:rx_queue tr:tm->when retrnsmt uid timeout inode ...
            if (f.length < 10 || !f[0].endsWith(":") || !LISTEN.equals(f[3])) {
                continue;
            }
            int colon = f[1].lastIndexOf(':');
            if (colon < 0 || Integer.parseInt(f[1].substring(colon + 1), 16) != port) {
                continue;
            }
            inodes.add(Long.parseLong(f[9]));
        }
        return inodes;
    }

    /** The inode a {@code /proc/self/fd} link names when it is a socket ({@code socket:[12345]}), else -1. */
    static long ofLink(String target) {
        if (!target.startsWith("socket:[") || !target.endsWith("]")) {
            return -1;
        }
        return Long.parseLong(target.substring("socket:[".length(), target.length() - 1));
    }
}
