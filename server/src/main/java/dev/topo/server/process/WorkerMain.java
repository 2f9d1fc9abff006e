package dev.topo.server.process;

import dev.topo.server.TopoServer;
import dev.topo.server.cli.Signals;
import dev.topo.server.config.ConfigLoader;
import dev.topo.server.config.ServerConfig;
import dev.topo.server.topology.FdReceiverTopology;
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
 * A worker process, started by a master ({@link WorkerProcess}), never by hand:
 * {@code WorkerMain reuseport|fd|per-connection CONFIG [SOCKET]}. {@code reuseport} runs the configuration as it is
 * (the master wrote a reuseport one); {@code fd} serves the connections whose fds arrive on the Unix socket
 * {@code SOCKET}; {@code per-connection} serves the one connection that arrives there, then exits.
 */
public final class WorkerMain {
    private static final Logger log = LoggerFactory.getLogger(WorkerMain.class);

    private WorkerMain() {
    }

    public static void main(String[] args) {
        if (args.length < 2) {
            log.error("usage: WorkerMain reuseport|fd|per-connection CONFIG [SOCKET] (started by a topo master)");
            System.exit(2);
        }
        String role = args[0];
        CountDownLatch stop = new CountDownLatch(1);
        watchMaster(stop);
        Signals.onTerminate(stop::countDown);
        try {
            ServerConfig config = ConfigLoader.load(Path.of(args[1]));
            TopoServer server = switch (role) {
                case "reuseport" -> TopoServer.start(config);
                case "fd", "per-connection" -> TopoServer.start(config, (c, metrics) -> new FdReceiverTopology(c,
                        metrics, Path.of(args[2]), role.equals("per-connection"), stop::countDown));
                default -> throw new IllegalArgumentException("unknown worker role " + role);
            };
            InetSocketAddress admin = server.adminAddress();
            System.out.println(WorkerProcess.READY + " port=" + server.address().getPort() + " admin="
                    + (admin == null ? 0 : admin.getPort()));
            System.out.flush();
            stop.await();
            server.stop();
            System.exit(0);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            System.exit(1);
        } catch (RuntimeException e) {
            log.error("worker failed: {}", e.getMessage(), e);
            System.exit(1);
        }
    }

    /**
     * The master holds the other end of stdin. {@code drain} asks for a graceful stop; end-of-file means the master
     * is gone (the kernel closes the pipe even when the master is SIGKILLed), and a worker without its master must
     * not keep the port: it halts at once.
     */
    private static void watchMaster(CountDownLatch stop) {
        Thread t = new Thread(() -> {
            try (BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.US_ASCII))) {
                for (String line = in.readLine(); line != null; line = in.readLine()) {
                    if (line.equals("drain")) {
                        log.info("master asks to drain");
                        stop.countDown();
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
