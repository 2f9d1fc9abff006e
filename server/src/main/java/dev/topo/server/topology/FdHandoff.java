package dev.topo.server.topology;

import dev.topo.server.metrics.ListenerStats;
import dev.topo.server.process.WorkerProcess;
import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandler.Sharable;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.unix.DomainSocketAddress;
import io.netty.channel.unix.DomainSocketReadMode;
import io.netty.channel.unix.UnixChannelOption;
import io.netty.channel.unix.FileDescriptor;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.Map;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The master side of passing connections to other processes. The master accepts but never reads: its listening
 * channel's own handler takes each accepted connection before Netty's acceptor would register it, so the connection
 * never joins an event loop here, and the master's only duty is to send its fd and close its own copy once the
 * worker holds one.
 */
final class FdHandoff {
    private static final Logger log = LoggerFactory.getLogger(FdHandoff.class);

    private FdHandoff() {
    }

    /** A bootstrap whose accepted connections go to {@code accepted} (on the boss loop) unregistered and unread. */
    static ServerBootstrap acceptOnly(ServerResources resources, EventLoop boss, ListenerStats listener,
            Consumer<Channel> accepted) {
        return resources.bootstrap(boss, boss, listener, Map.of()).handler(new AcceptOnly(listener, accepted));
    }

    /** Stateless, so one instance serves every socket the boss watches. */
    @Sharable
    private static final class AcceptOnly extends ChannelInboundHandlerAdapter {
        private final ListenerStats listener;
        private final Consumer<Channel> accepted;

        AcceptOnly(ListenerStats listener, Consumer<Channel> accepted) {
            this.listener = listener;
            this.accepted = accepted;
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            listener.accepted();
            accepted.accept((Channel) msg);
        }
    }

    /** A Unix-socket connection to a worker's handoff socket, on {@code loop}. */
    static ChannelFuture connect(TransportChoice transport, EventLoop loop, Path socket, ChannelHandler handler) {
        return new Bootstrap().group(loop).channel(transport.domainChannelClass()).handler(handler)
                .connect(new DomainSocketAddress(socket.toFile()));
    }

    /**
     * From a master: the handoff channel to {@code worker}'s Unix socket, or null when the worker cannot be reached,
     * in which case it is killed (its slot is then replaced like any dead worker's).
     */
    static Channel connectOrKill(TransportChoice transport, EventLoop loop, WorkerProcess worker, Path socket,
            ChannelHandler handler) {
        ChannelFuture f = connect(transport, loop, socket, handler).awaitUninterruptibly();
        if (f.isSuccess()) {
            return f.channel();
        }
        log.error("cannot reach {} (pid {}) on {}: {}; killing it", worker.name(), worker.pid(), socket,
                f.cause().getMessage());
        worker.kill();
        return null;
    }

    /**
     * Sends a copy of {@code fd} over {@code worker} and keeps the master's: a listening socket the master owns
     * (it stays open whatever becomes of the worker), or a connection the master lets go of only once the worker
     * says it holds it.
     */
    static ChannelFuture lend(Channel worker, int fd) {
        return worker.writeAndFlush(new FileDescriptor(fd));
    }

    /**
     * The worker side: listens on the Unix socket {@code socket} (on {@code group}, a loop of
     * {@link ServerResources#newFdReceivingGroup}) for fds sent by the master and
     * hands each to {@code handler}, which reads them as {@link FileDescriptor} messages.
     */
    static Channel receive(EventLoopGroup group, Path socket, ChannelHandler handler) throws InterruptedException {
        ChannelFuture f = new ServerBootstrap()
                .group(group)
                .channel(TransportChoice.fdReceivingChannelClass())
                .childOption(UnixChannelOption.DOMAIN_SOCKET_READ_MODE, DomainSocketReadMode.FILE_DESCRIPTORS)
                .childHandler(handler)
                .bind(new DomainSocketAddress(socket.toFile())).await();
        if (!f.isSuccess()) {
            throw new UncheckedIOException(new IOException("cannot listen on " + socket + ": "
                    + f.cause().getMessage(), f.cause()));
        }
        return f.channel();
    }

    /** Closes a connection nobody will serve (no worker ready, or stopping). */
    static void refuse(Channel connection) {
        connection.unsafe().closeForcibly();
    }
}
