package dev.topo.server.topology;

import dev.topo.config.ProcessPool;
import dev.topo.config.ServerConfig;
import dev.topo.config.TopologyConfig;
import dev.topo.config.TopologyParameters;
import dev.topo.server.listen.ListeningSocket;
import dev.topo.server.listen.ListeningSockets;
import dev.topo.server.metrics.ServerMetrics;
import dev.topo.server.process.Supervisor;
import dev.topo.server.process.WorkerProcess;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.EventLoop;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A master whose workers accept on their own, on the server's listening sockets, which the master lends them: it
 * takes them from the server's {@code ListeningSockets} (and never reads one), lends each worker its share over the worker's Unix socket (SCM_RIGHTS) and keeps its
 * copies. A worker that dies therefore closes nothing: connections the kernel queued on its sockets wait there until
 * the worker that takes its slot (a standby, at once) is lent the same sockets and accepts them. The kinds differ in
 * how many sockets there are and which a slot gets.
 */
abstract class SocketLendingTopology extends SupervisedTopology {
    private static final Logger log = LoggerFactory.getLogger(SocketLendingTopology.class);

    private final Supervisor supervisor;
    private List<ListeningSocket> sockets = List.of();
    /** The loop the lending connections to workers run on. */
    private EventLoop lender;
    /** The turn to accept, when the workers take turns on a shared socket; else null. */
    private final AcceptMutex mutex;
    private Path workerConfig;

    SocketLendingTopology(ServerConfig config, ServerMetrics metrics, ListeningSockets sockets, ProcessPool pool,
            int standbyWorkers, int maxRestarts, boolean acceptMutex) {
        super(config, metrics, sockets, pool);
        this.supervisor = new Supervisor("worker", pool.max(), standbyWorkers, maxRestarts, this::workerArgs,
                new Supervisor.Listener() {
                    @Override
                    public void ready(int slot, WorkerProcess worker) {
                        lend(slot, worker);
                        if (mutex != null) {
                            mutex.joined(slot, worker);
                        }
                    }

                    @Override
                    public void exited(int slot, WorkerProcess worker) {
                        countServedAtExit(worker);
                        files.delete(files.socket(worker.name()));
                        if (mutex != null) {
                            mutex.exited(slot, worker);
                        }
                    }
                });
        this.mutex = acceptMutex ? new AcceptMutex(supervisor::workers) : null;
    }

    private List<String> workerArgs(String name) {
        String config = workerConfig.toString();
        String socket = files.socket(name).toString();
        return mutex == null ? List.of(config, socket) : List.of(config, socket, "accept-mutex");
    }

    /** How many listening sockets the kind has. */
    abstract int socketCount();

    /**
     * The indexes of the sockets slot {@code slot}'s worker accepts on, in the order it expects them, when the server
     * has {@code total} open (more than {@link #socketCount()} after a switch from a kind with more).
     */
    abstract List<Integer> socketsOf(int slot, int total);

    /** What runs inside each worker: its kind's parameters, which take the lent sockets as their listeners. */
    abstract TopologyParameters inWorker();

    @Override
    public final InetSocketAddress start() throws InterruptedException {
        ServerConfig config = resources.config;
        lender = resources.newGroup(1, i -> "topo-lend").next();
        sockets = resources.take(socketCount());
        int port = resources.sockets.address().getPort();
        TopologyConfig inner = new TopologyConfig(inWorker(), config.topology().listen());
        // Each worker accepts on its own: each gets an equal share of the server-wide limit (as nginx's
        // worker_connections is per worker), so that together they never exceed it.
        int share = Math.max(1, config.limits().maxConnections() / pool.max());
        workerConfig = files.writeConfig("worker", config.forWorker(inner, port, true, share));
        supervisor.start(0, pool.min());
        startScaling();
        return new InetSocketAddress(config.bind().host(), port);
    }

    /** On the thread that read a worker's ready line (or promoted a standby): lends it the slot's sockets. */
    private void lend(int slot, WorkerProcess worker) {
        Channel handoff = FdHandoff.connectOrKill(resources.transport, lender, worker, files.socket(worker.name()),
                new ChannelInboundHandlerAdapter());
        if (handoff == null) {
            return;
        }
        ChannelFuture last = null;
        List<Integer> lent = socketsOf(slot, sockets.size());
        for (int index : lent) {
            last = FdHandoff.lend(handoff, sockets.get(index).fd());
        }
        // The worker needs nothing more from this channel once it holds its sockets.
        last.addListener(done -> handoff.close());
        log.debug("lent {} sockets to {} for slot {}", lent.size(), worker.name(), slot);
    }

    @Override
    final Supervisor supervisor() {
        return supervisor;
    }
}
