package dev.topo.server.topology;

import dev.topo.config.ProcessReusePortParameters;
import dev.topo.config.ServerConfig;
import dev.topo.config.TopologyConfig;
import dev.topo.server.metrics.ServerMetrics;
import dev.topo.server.process.Supervisor;
import dev.topo.server.process.WorkerProcess;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.epoll.EpollChannelOption;
import io.netty.channel.epoll.EpollServerSocketChannel;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A supervisor and {@code processes} worker JVMs, each running the reuseport topology inside ({@code listeners},
 * {@code workersPerListener}: 0 is shared-nothing, {@code listeners: 1, workersPerListener: N} the single-acceptor
 * shape with the same thread names) on {@code SO_REUSEPORT} sockets the kernel spreads connections across. nginx
 * with {@code reuseport}, one worker process per CPU.
 *
 * <p>The master opens every listening socket itself and never accepts on one: it lends each worker its own
 * {@code listeners} sockets over a Unix socket (SCM_RIGHTS) and keeps its copies. A worker that dies therefore closes
 * nothing: connections the kernel queues on its sockets wait there until the worker that takes its slot (a standby,
 * at once) is lent the same sockets and accepts them.
 */
public final class ProcessReusePortTopology extends SupervisedTopology {
    private static final Logger log = LoggerFactory.getLogger(ProcessReusePortTopology.class);

    private final ProcessReusePortParameters parameters;
    private final Supervisor supervisor;
    /** Each slot's listening sockets, in order: slot {@code s} has {@code s * listeners ..}. */
    private final List<Channel> sockets = new ArrayList<>();
    private Path workerConfig;

    public ProcessReusePortTopology(ServerConfig config, ServerMetrics metrics) {
        super(config, metrics);
        this.parameters = config.topology().parameters(ProcessReusePortParameters.class);
        this.supervisor = new Supervisor("worker", parameters.processes(), parameters.standbyWorkers(),
                parameters.maxRestarts(), name -> List.of(workerConfig.toString(), files.socket(name).toString()),
                new Supervisor.Listener() {
                    @Override
                    public void ready(int slot, WorkerProcess worker) {
                        lend(slot, worker);
                    }

                    @Override
                    public void exited(int slot, WorkerProcess worker) {
                        files.delete(files.socket(worker.name()));
                    }
                });
    }

    @Override
    public InetSocketAddress start() throws InterruptedException {
        ServerConfig config = resources.config;
        // One loop holds the sockets; it never reads them, so nothing is accepted in the master.
        EventLoopGroup holder = resources.newGroup(1, i -> "topo-listen");
        int port = config.bind().port();
        for (int i = 0; i < parameters.processes() * parameters.listeners(); i++) {
            Channel socket = listen(holder, config.bind().host(), port);
            // With port 0 the first socket gets an ephemeral port; the others must join that one.
            port = ((InetSocketAddress) socket.localAddress()).getPort();
            sockets.add(socket);
        }
        workerConfig = writeWorkerConfig(port);
        supervisor.start(0, parameters.processes());
        return new InetSocketAddress(config.bind().host(), port);
    }

    private Channel listen(EventLoopGroup holder, String host, int port) throws InterruptedException {
        ChannelFuture f = new ServerBootstrap()
                .group(holder)
                .channel(EpollServerSocketChannel.class)
                .option(ChannelOption.SO_BACKLOG, resources.config.topology().listen().backlog())
                .option(ChannelOption.AUTO_READ, false)
                .option(EpollChannelOption.SO_REUSEPORT, true)
                .childHandler(new ChannelInboundHandlerAdapter())
                .bind(host, port).await();
        if (!f.isSuccess()) {
            throw new UncheckedIOException(new IOException("cannot listen on " + host + ":" + port + ": "
                    + f.cause().getMessage(), f.cause()));
        }
        resources.hold(f.channel());
        return f.channel();
    }

    private Path writeWorkerConfig(int port) {
        TopologyConfig inner = new TopologyConfig(parameters.inWorker(), resources.config.topology().listen());
        // Each worker accepts on its own, and the kernel spreads connections evenly: each gets an equal share of
        // the server-wide limit (as nginx's worker_connections is per worker), so together they never exceed it.
        int share = Math.max(1, resources.config.limits().maxConnections() / parameters.processes());
        return files.writeConfig("worker", resources.config.forWorker(inner, port, true, share));
    }

    /** On the thread that read a worker's ready line (or promoted a standby): lends it the slot's sockets. */
    private void lend(int slot, WorkerProcess worker) {
        Channel handoff = FdHandoff.connectOrKill(sockets.get(0).eventLoop(), worker, files.socket(worker.name()),
                new ChannelInboundHandlerAdapter());
        if (handoff == null) {
            return;
        }
        int listeners = parameters.listeners();
        ChannelFuture last = null;
        for (int i = 0; i < listeners; i++) {
            EpollServerSocketChannel s = (EpollServerSocketChannel) sockets.get(slot * listeners + i);
            last = FdHandoff.lend(handoff, s.fd().intValue());
        }
        // The worker needs nothing more from this channel once it holds its sockets.
        last.addListener(done -> handoff.close());
        log.debug("lent {} sockets to {} for slot {}", listeners, worker.name(), slot);
    }

    @Override
    Supervisor supervisor() {
        return supervisor;
    }
}
