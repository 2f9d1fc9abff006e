package dev.topo.server.topology;

import dev.topo.config.ConfigException;
import dev.topo.config.TopologyKind;
import dev.topo.config.Transport;
import dev.topo.server.listen.ListeningSocket;
import io.netty.channel.Channel;
import io.netty.channel.ChannelOption;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.ServerChannel;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollChannelOption;
import io.netty.channel.epoll.EpollDomainSocketChannel;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerDomainSocketChannel;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.unix.UnixChannel;
import io.netty.channel.unix.UnixChannelOption;
import io.netty.channel.uring.AdoptedChannels;
import io.netty.channel.uring.IoUring;
import io.netty.channel.uring.IoUringChannelOption;
import io.netty.channel.uring.IoUringDomainSocketChannel;
import io.netty.channel.uring.IoUringIoHandler;
import io.netty.channel.uring.IoUringServerSocketChannel;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.IntFunction;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Netty transport a server runs on, resolved from {@code transport:} and what this machine can load, and the one
 * place that knows each transport's classes and options: the loops' I/O handler, the listening channel, a channel
 * over an fd received from elsewhere, the Unix sockets that carry fds, SO_REUSEPORT and TCP_DEFER_ACCEPT. Topologies
 * ask it and never name a transport themselves.
 *
 * @param features what the transport offers beyond its basics, as reported in the ready line and {@code /topology}
 *                 (io_uring: the kernel features Netty found and uses; empty for the others)
 */
public record TransportChoice(String name, IoHandlerFactory ioHandlerFactory,
        Class<? extends ServerChannel> serverChannelClass, IntFunction<ServerChannel> listeningOver,
        IntFunction<Channel> connectedOver, Class<? extends Channel> domainChannelClass,
        ChannelOption<Integer> deferAcceptOption,
        List<String> features) {

    private static final Logger log = LoggerFactory.getLogger(TransportChoice.class);
    /** Where Linux says whether io_uring may be used (0 yes, 1 privileged processes only, 2 no one); since 6.6. */
    static final Path IO_URING_DISABLED = Path.of("/proc/sys/kernel/io_uring_disabled");

    public TransportChoice {
        features = List.copyOf(features);
    }

    public static TransportChoice resolve(Transport requested, TopologyKind kind) {
        Throwable epollMissing = Epoll.isAvailable() ? null : Epoll.unavailabilityCause();
        return resolve(requested, kind, epollMissing,
                () -> IoUring.isAvailable() ? null : IoUring.unavailabilityCause());
    }

    /** What {@code ioUringMissing} supplies is asked only for io_uring: its classes load the native library. */
    static TransportChoice resolve(Transport requested, TopologyKind kind, Throwable epollMissing,
            Supplier<Throwable> ioUringMissing) {
        boolean needsNative = kind.needsNativeTransport();
        switch (requested) {
            case EPOLL -> {
                if (epollMissing != null) {
                    throw ConfigException.invalid("transport", "epoll", "a transport this machine can load; native "
                            + "epoll is unavailable: " + epollMissing);
                }
                return epoll();
            }
            case IO_URING -> {
                if (kind.yamlName().endsWith("shared-listener")) {
                    // Seen here: with several io_uring channels over the one listening fd the server started, then
                    // hung serving (Netty 4.2.18, kernel 6.18); until that is understood the kind stays on epoll.
                    throw ConfigException.invalid("transport", "io_uring", "epoll or auto for kind " + kind.yamlName()
                            + ": several io_uring loops cannot yet share one listening socket here");
                }
                Throwable missing = ioUringMissing.get();
                if (missing != null) {
                    throw ConfigException.invalid("transport", "io_uring", "a transport this kernel offers; io_uring "
                            + "is unavailable: " + missing + disabledBySysctl() + " (epoll or auto runs without it)");
                }
                return ioUring();
            }
            case NIO -> {
                if (needsNative) {
                    throw ConfigException.invalid("transport", "nio", "epoll, io_uring or auto for kind "
                            + kind.yamlName() + ", which needs a native transport");
                }
                log.warn("transport nio: running {} on Java NIO; native-only options (deferAccept) are ignored",
                        kind.yamlName());
                return nio();
            }
            default -> {
                if (epollMissing == null) {
                    return epoll();
                }
                if (needsNative) {
                    throw ConfigException.invalid("transport", "auto", "a machine with native epoll for kind "
                            + kind.yamlName() + "; epoll is unavailable: " + epollMissing);
                }
                log.warn("transport auto: native epoll is unavailable ({}); running {} on Java NIO", epollMissing,
                        kind.yamlName());
                return nio();
            }
        }
    }

    /** The sysctl's say, when it is why io_uring cannot start; else nothing. */
    static String disabledBySysctl() {
        try {
            String value = Files.readString(IO_URING_DISABLED).trim();
            return value.equals("0") ? "" : "; sysctl kernel.io_uring_disabled is " + value
                    + " (0 allows io_uring: sysctl -w kernel.io_uring_disabled=0)";
        } catch (IOException e) {
            return "";
        }
    }

    static TransportChoice epoll() {
        return new TransportChoice("epoll", EpollIoHandler.newFactory(), EpollServerSocketChannel.class,
                EpollServerSocketChannel::new, EpollSocketChannel::new, EpollDomainSocketChannel.class,
                EpollChannelOption.TCP_DEFER_ACCEPT, List.of());
    }

    static TransportChoice ioUring() {
        return new TransportChoice("io_uring", IoUringIoHandler.newFactory(), IoUringServerSocketChannel.class,
                AdoptedChannels::listening, AdoptedChannels::connected, IoUringDomainSocketChannel.class,
                IoUringChannelOption.TCP_DEFER_ACCEPT, ioUringFeatures());
    }

    static TransportChoice nio() {
        return new TransportChoice("nio", NioIoHandler.newFactory(), NioServerSocketChannel.class, null, null, null,
                null, List.of());
    }

    /** The io_uring features the kernel offered and Netty turned on, by the names the kernel's flags have. */
    private static List<String> ioUringFeatures() {
        List<String> on = new ArrayList<>();
        add(on, IoUring.isAcceptMultishotEnabled(), "accept-multishot");
        add(on, IoUring.isRecvMultishotEnabled(), "recv-multishot");
        add(on, IoUring.isRecvsendBundleEnabled(), "recvsend-bundle");
        add(on, IoUring.isPollAddMultishotEnabled(), "poll-add-multishot");
        add(on, IoUring.isRegisterBufferRingSupported(), "buffer-ring");
        add(on, IoUring.isIoringEnterNoIoWaitEnabled(), "enter-no-iowait");
        add(on, IoUring.isTcpFastOpenServerSideAvailable(), "tcp-fastopen");
        add(on, IoUring.isSpliceSupported(), "splice");
        return on;
    }

    private static void add(List<String> features, boolean on, String name) {
        if (on) {
            features.add(name);
        }
    }

    /** Native (epoll or io_uring): SO_REUSEPORT, channels over fds and fd passing exist. */
    public boolean isNative() {
        return listeningOver != null;
    }

    /**
     * A listening channel over {@code socket}, which is already bound and listening: native transports watch its fd,
     * NIO wraps the JDK channel itself.
     */
    ServerChannel listenerOver(ListeningSocket socket) {
        return isNative() ? listenerOver(socket.fd()) : new NioServerSocketChannel(socket.channel());
    }

    /** A listening channel over the listening socket {@code fd} (one a master lent): native transports only. */
    ServerChannel listenerOver(int fd) {
        if (!isNative()) {
            throw new IllegalStateException("a listening socket by fd number needs a native transport, not " + name);
        }
        return listeningOver.apply(fd);
    }

    /**
     * Whether this transport's listening channels stop accepting only by closing. An io_uring channel that is merely
     * deregistered keeps its accept armed in the ring (Netty submits a cancel and forgets it; completions still
     * arrive, and a read request re-arms it), so io_uring watches a copy of the socket's fd and closes that copy:
     * Netty's close cancels the accept and waits until it has ended, delivering what it accepted meanwhile.
     */
    boolean stopsAcceptingByClose() {
        return name.equals("io_uring");
    }

    /**
     * Whether fds passed over Unix sockets are received on this transport's own loops. Not on io_uring: Netty's
     * io_uring Unix socket channel, reading fds, hands on the last fd again and again once the sender has closed
     * (4.2.18: the end of stream is never seen), so workers receive fds on an epoll loop of their own.
     */
    boolean receivesFdsOnItsLoops() {
        return name.equals("epoll");
    }

    /** The loops fds are received on over Unix sockets: epoll, for both native transports (see above). */
    static IoHandlerFactory fdReceivingIoHandlerFactory() {
        return EpollIoHandler.newFactory();
    }

    /** The Unix server socket fds are received on, on a loop of {@link #fdReceivingIoHandlerFactory()}. */
    static Class<? extends ServerChannel> fdReceivingChannelClass() {
        return EpollServerDomainSocketChannel.class;
    }

    /** A channel over the connected socket {@code fd} (passed by a master), not yet registered. */
    Channel connectedOver(int fd) {
        return connectedOver.apply(fd);
    }

    /** SO_REUSEPORT, the same option on both native transports. */
    static ChannelOption<Boolean> reusePort() {
        return UnixChannelOption.SO_REUSEPORT;
    }

    /** The fd under a native channel (listening or connected). */
    static int fd(Channel channel) {
        return ((UnixChannel) channel).fd().intValue();
    }
}
