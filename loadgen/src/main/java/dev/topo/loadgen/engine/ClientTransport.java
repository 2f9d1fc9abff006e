package dev.topo.loadgen.engine;

import io.netty.channel.Channel;
import io.netty.channel.ChannelFactory;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketProtocolFamily;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.channel.uring.IoUring;
import io.netty.channel.uring.IoUringIoHandler;
import io.netty.channel.uring.IoUringSocketChannel;
import java.nio.channels.spi.SelectorProvider;
import java.util.Locale;

/**
 * The client's own I/O: epoll (the default where the kernel has it), io_uring, or NIO. Named as the server's
 * {@code transport:} is, and reported in the result's JSON, so a run says how its load was made.
 */
public enum ClientTransport {
    EPOLL("epoll"),
    IO_URING("io_uring"),
    NIO("nio");

    private final String label;

    ClientTransport(String label) {
        this.label = label;
    }

    /** As written on the command line and in the JSON. */
    public String label() {
        return label;
    }

    /** epoll where it is available, NIO elsewhere. */
    public static ClientTransport preferred() {
        return Epoll.isAvailable() ? EPOLL : NIO;
    }

    /** @throws InvalidValueException for a name that is none of the three */
    public static ClientTransport parse(String text) {
        for (ClientTransport t : values()) {
            if (t.label.equals(text.trim().toLowerCase(Locale.ROOT))) {
                return t;
            }
        }
        throw new InvalidValueException("transport", InvalidValueException.quoted(text), "epoll, io_uring or nio");
    }

    /** @throws InvalidValueException when this machine cannot run it (the kernel or the JVM lacks it), with why */
    public ClientTransport requireAvailable() {
        Throwable why = unavailability();
        if (why != null) {
            throw new InvalidValueException("transport", label, "a transport this machine has; " + label
                    + " is unavailable: " + why.getMessage());
        }
        return this;
    }

    private Throwable unavailability() {
        return switch (this) {
            case EPOLL -> Epoll.isAvailable() ? null : Epoll.unavailabilityCause();
            case IO_URING -> IoUring.isAvailable() ? null : IoUring.unavailabilityCause();
            case NIO -> null;
        };
    }

    IoHandlerFactory ioHandlers() {
        return switch (this) {
            case EPOLL -> EpollIoHandler.newFactory();
            case IO_URING -> IoUringIoHandler.newFactory();
            case NIO -> NioIoHandler.newFactory();
        };
    }

    ChannelFactory<Channel> channels(SocketProtocolFamily family) {
        return switch (this) {
            case EPOLL -> () -> new EpollSocketChannel(family);
            // Netty 4.2.18's io_uring channel has no constructor taking a family: a dual-stack socket.
            case IO_URING -> IoUringSocketChannel::new;
            case NIO -> () -> new NioSocketChannel(SelectorProvider.provider(), family);
        };
    }
}
