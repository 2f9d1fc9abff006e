package dev.topo.server.topology;

import dev.topo.config.ConfigException;
import dev.topo.config.TopologyKind;
import dev.topo.config.Transport;
import dev.topo.server.listen.ListeningSocket;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.ServerChannel;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The Netty transport a server runs on, resolved from {@code transport:} and what this machine can load. */
public record TransportChoice(String name, IoHandlerFactory ioHandlerFactory,
        Class<? extends ServerChannel> serverChannelClass, boolean epoll) {

    private static final Logger log = LoggerFactory.getLogger(TransportChoice.class);
    public static TransportChoice resolve(Transport requested, TopologyKind kind) {
        boolean available = Epoll.isAvailable();
        boolean needsEpoll = kind.needsNativeTransport();
        switch (requested) {
            case EPOLL -> {
                if (!available) {
                    throw ConfigException.invalid("transport", "epoll", "a transport this machine can load; native "
                            + "epoll is unavailable: " + Epoll.unavailabilityCause());
                }
                return epollTransport();
            }
            case NIO -> {
                if (needsEpoll) {
                    throw ConfigException.invalid("transport", "nio", "epoll or auto for kind " + kind.yamlName()
                            + ", which needs the native transport");
                }
                log.warn("transport nio: running {} on Java NIO; epoll-only options (deferAccept) are ignored",
                        kind.yamlName());
                return nioTransport();
            }
            default -> {
                if (available) {
                    return epollTransport();
                }
                if (needsEpoll) {
                    throw ConfigException.invalid("transport", "auto", "a machine with native epoll for kind "
                            + kind.yamlName() + "; epoll is unavailable: " + Epoll.unavailabilityCause());
                }
                log.warn("transport auto: native epoll is unavailable ({}); running {} on Java NIO",
                        Epoll.unavailabilityCause(), kind.yamlName());
                return nioTransport();
            }
        }
    }

    /**
     * A listening channel over {@code socket}, which is already bound and listening: native transports watch its fd,
     * NIO wraps the JDK channel itself.
     */
    ServerChannel listenerOver(ListeningSocket socket) {
        return epoll ? listenerOver(socket.fd()) : new NioServerSocketChannel(socket.channel());
    }

    /** A listening channel over the listening socket {@code fd} (one a master lent): native transports only. */
    ServerChannel listenerOver(int fd) {
        if (!epoll) {
            throw new IllegalStateException("a listening socket by fd number needs a native transport, not " + name);
        }
        return new EpollServerSocketChannel(fd);
    }

    private static TransportChoice epollTransport() {
        return new TransportChoice("epoll", EpollIoHandler.newFactory(), EpollServerSocketChannel.class, true);
    }

    private static TransportChoice nioTransport() {
        return new TransportChoice("nio", NioIoHandler.newFactory(), NioServerSocketChannel.class, false);
    }
}
