package dev.topo.loadgen.compare;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;

/**
 * {@code compare --switch-live}: the one server process every configuration runs on. It was started on a file of its
 * own; each next configuration is copied over that file and switched to live ({@code POST /reload}), so one warm
 * JVM serves them all and no configuration is charged the JVM's start.
 */
final class SwitchedServer {
    final ServerProcess server;
    final int[] ports;
    private final Path file;

    SwitchedServer(ServerProcess server, int[] ports, Path file) {
        this.server = server;
        this.ports = ports;
        this.file = file;
    }

    /** The file the server is started on: a copy of the first configuration's. */
    static Path fileFor(Path first) throws IOException {
        Path file = Files.createTempFile("topo-compare-live", ".yaml");
        file.toFile().deleteOnExit();
        Files.copy(first, file, StandardCopyOption.REPLACE_EXISTING);
        return file;
    }

    /** Switches to {@code config}; returns the server's answer on one line, which says whether it switched. */
    Switch switchTo(Path config, Duration timeout) throws IOException, InterruptedException {
        Files.copy(config, file, StandardCopyOption.REPLACE_EXISTING);
        HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + ports[1] + "/reload")).timeout(timeout)
                .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
        return new Switch(r.statusCode() == 200, r.body().replaceAll("\\s+", " ").trim());
    }

    record Switch(boolean switched, String answer) {
    }
}
