package dev.topo.server.testing;

import dev.topo.config.ConfigLoader;
import dev.topo.config.ServerConfig;
import dev.topo.server.TopoServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Starts real servers on 127.0.0.1:0 from YAML and reads the admin endpoint. */
public final class Servers {
    private static final HttpClient ADMIN = HttpClient.newHttpClient();

    private Servers() {
    }

    /**
     * {@code yaml} is merged under a loopback, ephemeral-port bind and admin section, and no drain delay unless it
     * sets one (a stop in a test should not wait for load balancers that are not there).
     */
    public static TopoServer start(String yaml) throws InterruptedException {
        String base = "bind: {host: 127.0.0.1, port: 0}\nadmin: {host: 127.0.0.1, port: 0}\n"
                + (yaml.contains("drainDelay") ? "" : "drainDelay: 0s\n");
        return TopoServer.start(config(base + yaml));
    }

    /**
     * {@code threads} clients at once, each opening {@code each} connections one after another with one request on
     * each; returns how many were answered 200. A burst keeps several loops awake at once: epoll hands a loop a
     * wake-up only if the socket is still readable when the loop gets to run, so loops that sleep through another's
     * accept never see the herd.
     */
    public static int burst(InetSocketAddress address, int threads, int each) throws InterruptedException {
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        AtomicInteger answered = new AtomicInteger();
        for (int t = 0; t < threads; t++) {
            pool.execute(() -> {
                for (int i = 0; i < each; i++) {
                    try (RawHttp c = new RawHttp(address)) {
                        if (c.exchange(RawHttp.get("/")).status() == 200) {
                            answered.incrementAndGet();
                        }
                    } catch (IOException e) {
                        // counted by its absence
                    }
                }
            });
        }
        pool.shutdown();
        pool.awaitTermination(30, TimeUnit.SECONDS);
        return answered.get();
    }

    /** Waits (at most 5 s) until nothing accepts connections on {@code port}; fails if something still does. */
    public static void awaitRefused(int port) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (true) {
            try (Socket probe = new Socket("127.0.0.1", port)) {
                if (System.nanoTime() > deadline) {
                    throw new AssertionError("port " + port + " still accepts connections 5 s into the drain");
                }
            } catch (IOException refused) {
                return;
            }
            Thread.sleep(10);
        }
    }

    /**
     * Sends {@code GET /} on {@code c} during a drain until a response says {@code Connection: close} (the server
     * may answer normally until the drain reaches the connection's thread); every request must be answered 200, and
     * the connection must then be closed by the server. Returns how many requests it took.
     */
    public static int drainedAfterRequests(RawHttp c) throws IOException, InterruptedException {
        for (int sent = 1; sent <= 100; sent++) {
            RawHttp.Response r = c.exchange(RawHttp.get("/"));
            if (r.status() != 200) {
                throw new AssertionError("request " + sent + " during the drain got " + r.status());
            }
            if ("close".equalsIgnoreCase(r.header("connection"))) {
                if (!c.closedByServer()) {
                    throw new AssertionError("Connection: close, but the connection stayed open");
                }
                return sent;
            }
            Thread.sleep(20);
        }
        throw new AssertionError("no response said Connection: close within 100 requests");
    }

    /** Starts a graceful stop on another thread, as a signal handler would, so the test can watch it happen. */
    public static CompletableFuture<Void> stopInBackground(TopoServer server) {
        return CompletableFuture.runAsync(() -> {
            try {
                server.stop();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
    }

    public static ServerConfig config(String yaml) {
        return ConfigLoader.parse(yaml, "test.yaml");
    }

    public static String admin(TopoServer server, String path) throws IOException, InterruptedException {
        URI uri = URI.create("http://127.0.0.1:" + server.adminAddress().getPort() + path);
        return ADMIN.send(HttpRequest.newBuilder(uri).build(), HttpResponse.BodyHandlers.ofString()).body();
    }

    /** The value of one Prometheus sample, e.g. {@code topo_listener_connections_accepted_total{listener="0"}}. */
    public static double metric(String scrape, String sample) {
        Matcher m = Pattern.compile("^" + Pattern.quote(sample) + " (\\S+)$", Pattern.MULTILINE).matcher(scrape);
        if (!m.find()) {
            throw new AssertionError("no sample " + sample + " in /metrics");
        }
        return Double.parseDouble(m.group(1));
    }
}
