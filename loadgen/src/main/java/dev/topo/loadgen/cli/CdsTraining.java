package dev.topo.loadgen.cli;

import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.io.Writer;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The run the {@code topo} launcher records a class-data sharing archive from ({@code -XX:ArchiveClassesAtExit}):
 * a few short loads against a server in this JVM, through the same command line users run, so that the archive
 * holds the classes a real run loads (picocli, the engine on epoll, the parser, the warm-up, the reports, Jackson).
 * Started with that archive, a run maps those classes instead of loading and verifying them one by one; on JDK 25+
 * the launcher records an AOT cache instead ({@code -XX:AOTCacheOutput}), which also keeps these loads' method
 * profiles. Not a user command; it prints nothing and exits 0 when every load ran.
 */
public final class CdsTraining {

    private CdsTraining() {
    }

    public static void main(String[] args) throws IOException {
        System.exit(train() == 0 ? 0 : 1);
    }

    /** Runs the loads; returns how many failed. */
    static int train() throws IOException {
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 64);
        byte[] hello = "Hello, World!".getBytes(StandardCharsets.US_ASCII);
        server.createContext("/", exchange -> {
            exchange.getRequestBody().readAllBytes();
            exchange.sendResponseHeaders(200, hello.length);
            try (OutputStream body = exchange.getResponseBody()) {
                body.write(hello);
            }
        });
        server.start();
        Path dir = Files.createTempDirectory("topo-cds-training");
        int failed = 0;
        try {
            String url = "http://127.0.0.1:" + server.getAddress().getPort() + "/";
            // Keep-alive with every report; a connection per request; the open loop behind a fixed warm-up, whose
            // windows go through the same code as an automatic one.
            failed += load(url, "-c", "4", "-d", "300ms", "--warmup", "0s", "--json", dir.resolve("r.json").toString(),
                    "--csv", dir.resolve("r.csv").toString(), "--hdr-log", dir.resolve("r.hlog").toString());
            failed += load(url, "-c", "2", "-d", "300ms", "--warmup", "0s", "--connection-mode", "per-request");
            failed += load(url, "-c", "2", "-d", "300ms", "--warmup", "1s", "--rate", "200");
        } finally {
            server.stop(0);
            try (var files = Files.list(dir)) {
                for (Path f : files.toList()) {
                    Files.deleteIfExists(f);
                }
            }
            Files.deleteIfExists(dir);
        }
        return failed;
    }

    private static int load(String url, String... options) {
        String[] args = new String[options.length + 2];
        args[0] = url;
        args[1] = "-q";
        System.arraycopy(options, 0, args, 2, options.length);
        PrintWriter discard = new PrintWriter(Writer.nullWriter());
        return LoadCommand.commandLine().setOut(discard).setErr(discard).execute(args) == LoadCommand.OK ? 0 : 1;
    }
}
