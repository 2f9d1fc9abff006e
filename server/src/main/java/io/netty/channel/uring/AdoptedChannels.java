package io.netty.channel.uring;

import io.netty.channel.Channel;
import io.netty.channel.socket.ServerSocketChannel;
import io.netty.channel.socket.ServerSocketChannelConfig;
import io.netty.channel.socket.SocketChannel;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;

/**
 * io_uring channels over sockets this process did not open itself: a listening socket another channel or another
 * process bound (shared-listener, lent by a master over SCM_RIGHTS), or a connection a master accepted and passed on.
 * Netty's epoll channels take an fd in a public constructor; its io_uring channels (4.2) only in package-private
 * ones, so this adapter lives in their package. It adds no behaviour: the listening channel is
 * {@link IoUringServerSocketChannel} minus the bind, the connection is exactly what that channel makes on accept.
 */
public final class AdoptedChannels {
    private AdoptedChannels() {
    }

    /** A channel accepting on {@code fd}, which already listens; closing the channel closes {@code fd}. */
    public static ServerSocketChannel listening(int fd) {
        return new AdoptedServerSocketChannel(fd);
    }

    /** A channel over the connected socket {@code fd}, registered on a loop by the caller. */
    public static SocketChannel connected(int fd) {
        return new IoUringSocketChannel(null, new LinuxSocket(fd));
    }

    /** {@link IoUringServerSocketChannel} over a socket that is bound and listening already: active from the start. */
    private static final class AdoptedServerSocketChannel extends AbstractIoUringServerChannel
            implements ServerSocketChannel {
        private final IoUringServerSocketChannelConfig config;

        AdoptedServerSocketChannel(int fd) {
            super(new LinuxSocket(fd), true);
            this.config = new IoUringServerSocketChannelConfig(this);
        }

        @Override
        public ServerSocketChannelConfig config() {
            return config;
        }

        @Override
        Channel newChildChannel(int fd, ByteBuffer acceptedAddressMemory) {
            if (acceptedAddressMemory == null) {
                // Multishot accept gives no peer address here; the channel asks the socket when it needs it.
                return new IoUringSocketChannel(this, new LinuxSocket(fd));
            }
            IoUringIoHandler handler = registration().attachment();
            LinuxSocket socket = new LinuxSocket(fd);
            byte[] ipv4 = handler.inet4AddressArray();
            InetSocketAddress address = socket.isIpv6()
                    ? SockaddrIn.getIPv6(acceptedAddressMemory, handler.inet6AddressArray(), ipv4)
                    : SockaddrIn.getIPv4(acceptedAddressMemory, ipv4);
            return new IoUringSocketChannel(this, socket, address);
        }

        @Override
        public InetSocketAddress remoteAddress() {
            return (InetSocketAddress) super.remoteAddress();
        }

        @Override
        public InetSocketAddress localAddress() {
            return (InetSocketAddress) super.localAddress();
        }
    }
}
