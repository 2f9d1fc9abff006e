package dev.topo.server.listen;

import java.nio.channels.ServerSocketChannel;

/**
 * One bound, listening socket of the server: the JDK channel that owns it (blocking-thread kinds accept on it, the
 * NIO transport wraps it) and its fd number (what the native transports watch and what a master lends its workers).
 * Topologies only watch it; {@link ListeningSockets} alone closes it.
 */
public record ListeningSocket(int index, ServerSocketChannel channel, int fd) {
}
