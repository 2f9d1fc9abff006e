package dev.topo.server.topology;

import dev.topo.config.ProcessFdPassingParameters;
import dev.topo.config.ServerConfig;
import dev.topo.server.http.ServerInitializer;
import dev.topo.server.metrics.ListenerStats;
import dev.topo.server.metrics.LoopStats;
import dev.topo.server.metrics.ServerMetrics;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler.Sharable;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.unix.FileDescriptor;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The worker side of process-fd-passing and process-per-connection: no TCP listener, but a Unix socket on which the
 * master sends the fds of connections it accepted (SCM_RIGHTS). Each fd becomes a native socket channel
 * registered on one of this process's loops ({@code topo-worker-0-N}, round-robin) with the same pipeline every
 * topology uses. When such a connection closes, one byte goes back to the master, which is how least-connections
 * dispatch knows who is idle. With {@code oneShot} (process-per-connection) the process serves one connection and
 * then reports {@code served}.
 */
public final class FdReceiverTopology extends EventLoopTopology {
    private static final Logger log = LoggerFactory.getLogger(FdReceiverTopology.class);
    /** Sent back for each connection that closed: least-connections dispatch counts them. */
    static final byte CLOSED = 1;
    /** Sent back for each fd received: the master bounds the fds in flight to a worker that has not read them. */
    static final byte RECEIVED = 2;

    private final Path socket;
    private final boolean oneShot;
    private final Runnable served;
    private Channel handoff;

    FdReceiverTopology(ServerConfig config, ServerMetrics metrics, WorkerRole role) {
        super(config, metrics, null);
        this.socket = role.handoff();
        this.oneShot = config.topology().kind().startsProcessPerConnection();
        this.served = role.served();
    }

    @Override
    public InetSocketAddress start() throws InterruptedException {
        ServerConfig config = resources.config;
        ListenerStats listener = resources.metrics.addListener(0);
        int threads = oneShot ? 1 : config.topology().parameters(ProcessFdPassingParameters.class).workers();
        EventLoopGroup group = resources.newGroup(threads, i -> "topo-worker-0-" + i);
        Map<EventLoop, LoopStats> loops = resources.registerLoops(listener, group);
        ServerInitializer initializer = resources.initializer(listener, loops);
        EventLoopGroup receiving = resources.transport.receivesFdsOnItsLoops() ? group
                : resources.newFdReceivingGroup();
        handoff = FdHandoff.receive(receiving, socket, new Receiver(group, initializer));
        // The address clients use is the master's; this process only ever sees connections it is handed.
        InetSocketAddress address = new InetSocketAddress(config.bind().host(), config.bind().port());
        try {
            listener.bound(address, handoff.eventLoop().submit(() -> Thread.currentThread().getName()).get());
        } catch (ExecutionException e) {
            throw new IllegalStateException("handoff loop failed", e.getCause());
        }
        return address;
    }

    @Sharable
    private final class Receiver extends ChannelInboundHandlerAdapter {
        private final EventLoopGroup group;
        private final ServerInitializer initializer;

        Receiver(EventLoopGroup group, ServerInitializer initializer) {
            this.group = group;
            this.initializer = initializer;
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            FileDescriptor fd = (FileDescriptor) msg;
            if (resources.draining()) {
                // Not acknowledged: the master keeps its copy and passes it to another worker once this one's
                // handoff channel closes.
                close(fd);
                return;
            }
            ctx.write(ctx.alloc().buffer(1).writeByte(RECEIVED));
            Channel ch = resources.transport.connectedOver(fd.intValue());
            ch.pipeline().addLast(initializer);
            Channel master = ctx.channel();
            ch.closeFuture().addListener(f -> {
                master.writeAndFlush(master.alloc().buffer(1).writeByte(CLOSED));
                if (oneShot) {
                    served.run();
                }
            });
            group.next().register(ch).addListener(f -> {
                if (!f.isSuccess()) {
                    log.warn("cannot register a passed connection: {}", f.cause().getMessage());
                    ch.unsafe().closeForcibly();
                }
            });
        }

        @Override
        public void channelReadComplete(ChannelHandlerContext ctx) {
            ctx.flush();
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            log.warn("handoff channel failed: {}", cause.getMessage());
            ctx.close();
        }
    }

    private static void close(FileDescriptor fd) {
        try {
            fd.close();
        } catch (IOException e) {
            log.debug("closing a refused fd", e);
        }
    }

    @Override
    public void stop(Duration drainTimeout) throws InterruptedException {
        if (handoff != null) {
            handoff.close().await();
        }
        resources.stop(drainTimeout);
    }
}
