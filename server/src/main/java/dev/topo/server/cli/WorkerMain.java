package dev.topo.server.cli;

import dev.topo.config.ConfigLoader;
import dev.topo.config.ServerConfig;
import dev.topo.server.TopoServer;
import dev.topo.server.process.WorkerProcess;
import dev.topo.server.topology.AcceptTurn;
import dev.topo.server.topology.WorkerRole;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A worker process, started by a master ({@link WorkerProcess}), never by hand: {@code WorkerMain CONFIG
 * [HANDOFF_SOCKET]}. Without a socket it runs the configuration as it is (a process-reuseport master writes a
 * reuseport one); with one it serves the connections whose fds arrive there, and a process-per-connection child
 * exits once its one connection is served.
 */
public final class WorkerMain {
    private static final Logger log = LoggerFactory.getLogger(WorkerMain.class);

    private WorkerMain() {
    }

    public static void main(String[] args) {
        LeakDetection.offUnlessAsked();
        if (args.length < 1 || args.length > 3) {
            log.error("usage: WorkerMain CONFIG [HANDOFF_SOCKET [accept-mutex]] (started by a topo master)");
            System.exit(2);
        }
        CountDownLatch stop = new CountDownLatch(1);
        AcceptTurn turn = args.length == 3 ? new AcceptTurn(WorkerMain::released) : null;
        watchMaster(stop, turn);
        // A Ctrl-C reaches the whole process group and a container runtime may signal every process: a worker
        // stops only when its master says so (or dies), so that the master's drain is the only drain.
        Signals.ignoreTerminate();
        try {
            ServerConfig config = ConfigLoader.load(Path.of(args[0]));
            WorkerRole role = args.length >= 2 ? new WorkerRole(Path.of(args[1]), stop::countDown, turn) : null;
            TopoServer server = TopoServer.start(config, role);
            InetSocketAddress admin = server.adminAddress();
            System.out.println(WorkerProcess.READY + " port=" + server.address().getPort() + " admin="
                    + (admin == null ? 0 : admin.getPort()));
            System.out.flush();
            stop.await();
            server.stop();
            // What it answered, for the master's count of requests across worker lifetimes and live switches.
            synchronized (System.out) {
                System.out.println(WorkerProcess.SERVED + " " + server.requestsServed());
                System.out.flush();
            }
            System.exit(0);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            System.exit(1);
        } catch (RuntimeException e) {
            log.error("worker failed: {}", e.getMessage(), e);
            System.exit(1);
        }
    }

    /** Tells the master the accept turn is back; the master reads it from this process's stdout. */
    private static void released() {
        synchronized (System.out) {
            System.out.println(WorkerProcess.RELEASED);
            System.out.flush();
        }
    }

    /**
     * The master holds the other end of stdin. {@code drain} asks for a graceful stop; end-of-file means the master
     * is gone (the kernel closes the pipe even when the master is SIGKILLed), and a worker without its master must
     * not keep the port: it halts at once.
     */
    private static void watchMaster(CountDownLatch stop, AcceptTurn turn) {
        Thread t = new Thread(() -> {
            try (BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.US_ASCII))) {
                for (String line = in.readLine(); line != null; line = in.readLine()) {
                    if (line.equals("drain")) {
                        log.info("master asks to drain");
                        stop.countDown();
                    } else if (line.equals(WorkerProcess.TAKE_TURN) && turn != null) {
                        turn.take();
                    }
                }
            } catch (IOException e) {
                log.debug("stdin failed", e);
            }
            log.warn("master gone (stdin closed): exiting now");
            Runtime.getRuntime().halt(1);
        }, "topo-master-watch");
        t.setDaemon(true);
        t.start();
    }
}
