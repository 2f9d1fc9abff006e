package dev.topo.server.testing;

import dev.topo.config.ConfigLoader;
import dev.topo.config.ServerConfig;
import dev.topo.server.TopoServer;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.concurrent.CompletableFuture;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Starts real servers on 127.0.0.1:0 from YAML and reads the admin endpoint. */
public final class Servers {
    private static final HttpClient ADMIN = HttpClient.newHttpClient();

    private Servers() {
    }

    /** {@code yaml} is merged under a loopback, ephemeral-port bind and admin section. */
    public static TopoServer start(String yaml) throws InterruptedException {
        String base = "bind: {host: 127.0.0.1, port: 0}\nadmin: {host: 127.0.0.1, port: 0}\n";
        return TopoServer.start(config(base + yaml));
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
