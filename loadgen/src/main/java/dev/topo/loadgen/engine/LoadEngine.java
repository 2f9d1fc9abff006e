package dev.topo.loadgen.engine;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFactory;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.socket.SocketProtocolFamily;
import io.netty.util.concurrent.EventExecutor;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Runs one load measurement: sets up the event loops, the connections' bootstraps and the workers, then hands the
 * calling thread to {@link Measurement}, which becomes the reporting thread. The event loops only record.
 */
public final class LoadEngine {
    private LoadEngine() {
    }

    public static LoadResult run(LoadSpec spec) throws InterruptedException, UnreachableTargetException {
        return run(spec, LoadListener.NONE);
    }

    public static LoadResult run(LoadSpec spec, LoadListener listener)
            throws InterruptedException, UnreachableTargetException {
        return runAt(spec, listener, 0);
    }

    /**
     * Starts the load at {@code startAtEpochMs} on the wall clock (at once when it has passed): the instant the
     * parts of a split test agree on. The event loops and workers are set up before the wait, so that what a cold
     * JVM takes to set them up does not shift one part's schedule against the others'.
     */
    public static LoadResult runAt(LoadSpec spec, LoadListener listener, long startAtEpochMs)
            throws InterruptedException, UnreachableTargetException {
        ClientTransport transport = spec.transport().requireAvailable();
        InetSocketAddress remote = resolve(spec.target());
        IoHandlerFactory io = transport.ioHandlers();
        // A socket of the target's own family: an IPv6 socket talking to an IPv4-mapped address pays for an extra
        // setsockopt per connection and the IPv6 code paths in the kernel.
        SocketProtocolFamily family = remote.getAddress() instanceof Inet6Address
                ? SocketProtocolFamily.INET6 : SocketProtocolFamily.INET;
        ChannelFactory<Channel> channels = transport.channels(family);
        MultiThreadIoEventLoopGroup group =
                new MultiThreadIoEventLoopGroup(spec.threads(), new LoadThreadFactory(), io);
        RequestTemplate request = RequestTemplate.of(spec);
        try {
            List<Worker> workers = createWorkers(spec, group, channels, remote, request);
            return new Measurement(spec, listener, workers, transport.label()).execute(startAtEpochMs);
        } finally {
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly(5, TimeUnit.SECONDS);
            request.release();
        }
    }

    private static InetSocketAddress resolve(Target target) throws UnreachableTargetException {
        try {
            return new InetSocketAddress(InetAddress.getByName(target.host()), target.port());
        } catch (UnknownHostException e) {
            throw new UnreachableTargetException("cannot resolve host '" + target.host() + "'");
        }
    }

    private static List<Worker> createWorkers(LoadSpec spec, MultiThreadIoEventLoopGroup group,
                                              ChannelFactory<Channel> channels, InetSocketAddress remote,
                                              RequestTemplate request) {
        double connectRate = spec.segment().share(spec.connectRate());
        ConnectRateLimiter limiter = connectRate > 0 ? new ConnectRateLimiter(connectRate) : null;
        ConnectionPolicy policy = ConnectionPolicy.of(spec);
        List<Worker> workers = new ArrayList<>();
        int threads = spec.threads();
        int connections = spec.segment().share(spec.connections());
        int i = 0;
        for (EventExecutor executor : group) {
            EventLoop loop = (EventLoop) executor;
            int share = connections / threads + (i < connections % threads ? 1 : 0);
            Bootstrap b = new Bootstrap()
                    .group(loop)
                    .channelFactory(channels)
                    // The address is resolved once above; skipping the resolver saves a lookup per connect.
                    .disableResolver()
                    .option(ChannelOption.ALLOCATOR, PooledByteBufAllocator.DEFAULT)
                    // Connect timeouts are found by the worker's periodic scan instead: Netty's own would schedule
                    // and cancel a timer task for every connection.
                    .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, 0);
            policy.configure(b);
            if (!spec.sourceAddresses().isEmpty()) {
                // Lets bind() take a port whose previous connection is still in TIME_WAIT.
                b.option(ChannelOption.SO_REUSEADDR, true);
            }
            workers.add(new Worker(loop, i, share, spec, policy, b, remote, limiter, request));
            i++;
        }
        return workers;
    }
}
