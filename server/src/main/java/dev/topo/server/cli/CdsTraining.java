package dev.topo.server.cli;

import dev.topo.config.ConfigLoader;
import dev.topo.config.ServerConfig;
import dev.topo.server.ReloadResult;
import dev.topo.server.TopoServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

/**
 * The run a class-data sharing archive of the server is recorded from ({@code -XX:ArchiveClassesAtExit}, or an AOT
 * cache on JDK 25+): the start a server and every worker process go through (configuration, native transport,
 * loops, listening sockets, admin endpoint), each route and the admin documents, a live switch and a graceful stop.
 * A worker started with the archive maps those classes instead of loading and verifying them one by one, which is
 * most of its start (the ready line's "since JVM start"). Not a user command: it prints nothing and exits 0 when
 * every exchange got its answer.
 */
public final class CdsTraining {
    private static final String CONFIG = """
            bind: {host: 127.0.0.1, port: 0}
            admin: {host: 127.0.0.1, port: 0}
            drainDelay: 0s
            drainTimeout: 2s
            topology: {kind: %s}
            """;

    private CdsTraining() {
    }

    public static void main(String[] args) throws Exception {
        System.exit(train() == 0 ? 0 : 1);
    }

    /** Runs the exchanges; returns how many failed. */
    static int train() throws IOException, InterruptedException {
        TopoServer server = TopoServer.start(config("reuseport"));
        int failed = 0;
        try {
            failed += exchanges(server);
            // A live switch loads the reload, the socket handover and the drain.
            if (!ReloadResult.SWITCHED.equals(server.switchTo(config("single-acceptor"), "training").outcome())) {
                failed++;
            }
            failed += exchanges(server);
        } finally {
            server.stop();
        }
        return failed;
    }

    private static ServerConfig config(String kind) {
        return ConfigLoader.parse(CONFIG.formatted(kind), "training");
    }

    /** Each route once, and the admin documents; returns how many did not answer 200. */
    private static int exchanges(TopoServer server) throws IOException {
        int failed = 0;
        InetSocketAddress http = server.address();
        InetSocketAddress admin = server.adminAddress();
        failed += ok(http, "GET / HTTP/1.1\r\nHost: t\r\n\r\nGET /work?sleep=1ms HTTP/1.1\r\nHost: t\r\n\r\n"
                + "POST /echo HTTP/1.1\r\nHost: t\r\nContent-Length: 5\r\nConnection: close\r\n\r\nhello", 3);
        for (String path : new String[] {"/metrics", "/topology", "/readyz"}) {
            failed += ok(admin, "GET " + path + " HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n", 1);
        }
        return failed;
    }

    /** Sends {@code requests} (the last one closes) and counts the 200s in what comes back until the close. */
    private static int ok(InetSocketAddress to, String requests, int expected) throws IOException {
        try (Socket s = new Socket(to.getAddress(), to.getPort())) {
            s.setSoTimeout(5000);
            OutputStream out = s.getOutputStream();
            out.write(requests.getBytes(StandardCharsets.US_ASCII));
            out.flush();
            InputStream in = s.getInputStream();
            String answer = new String(in.readAllBytes(), StandardCharsets.ISO_8859_1);
            int found = answer.split("HTTP/1.1 200 ", -1).length - 1;
            return found == expected ? 0 : 1;
        }
    }
}
