package dev.topo.server.hostile;

import dev.topo.server.hostile.HostileCase.Need;
import dev.topo.server.hostile.HostileCases.Outcome;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

/**
 * The client side of {@code bench/hostile.sh}, against a server on 127.0.0.1 only (JDK and this package only).
 * <pre>
 * trickle PORT REQUEST_TIMEOUT_MS [serial]  seconds until a header-trickle and a body-trickle client are cut
 * flood PORT SECONDS                        pipelines requests and never reads, reconnecting when cut
 * suite PORT all|concurrency|none           every hostile case (short limits), prints handled N/M
 * limits                                    the YAML limits section the suite's server must run with
 * </pre>
 */
public final class HostileBench {
    private HostileBench() {
    }

    public static void main(String[] args) throws Exception {
        if (args[0].equals("limits")) {
            System.out.print(SuiteLimits.suite().yaml());
            return;
        }
        InetSocketAddress address = new InetSocketAddress("127.0.0.1", Integer.parseInt(args[1]));
        switch (args[0]) {
            case "trickle" -> trickle(address, Duration.ofMillis(Long.parseLong(args[2])),
                    args.length > 3 && args[3].equals("serial"));
            case "flood" -> flood(address, Duration.ofSeconds(Long.parseLong(args[2])));
            case "suite" -> suite(address, args[2]);
            default -> throw new IllegalArgumentException("trickle | flood | suite, not " + args[0]);
        }
    }

    /** One header line, or one body byte, every 100 ms, as in the issue; prints when and how each was cut. */
    private static void trickle(InetSocketAddress address, Duration requestTimeout, boolean serial) throws Exception {
        CompletableFuture<String> headers = CompletableFuture.supplyAsync(() -> cut(address, requestTimeout,
                "GET / HTTP/1.1\r\nHost: h\r\n", "X-Slow: 1\r\n"));
        if (serial) {
            headers.join();
        }
        CompletableFuture<String> body = CompletableFuture.supplyAsync(() -> cut(address, requestTimeout,
                "POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 1000\r\n\r\n", "b"));
        System.out.println("header-trickle " + headers.get());
        System.out.println("body-trickle " + body.get());
    }

    private static String cut(InetSocketAddress address, Duration requestTimeout, String first, String piece) {
        try (HostileClient c = new HostileClient(address)) {
            long start = System.nanoTime();
            c.send(first);
            c.trickle(piece, piece.length(), Duration.ofMillis(100), requestTimeout.multipliedBy(3));
            String status;
            try {
                status = Integer.toString(c.read(Duration.ofSeconds(5)).status());
            } catch (IOException closed) {
                status = "closed";
            }
            return String.format(Locale.ROOT, "%.2f s %s", (System.nanoTime() - start) / 1e9, status);
        } catch (Exception e) {
            return "failed: " + e;
        }
    }

    /** Writes pipelined requests without reading for {@code length}; reconnects each time the server cuts it. */
    private static void flood(InetSocketAddress address, Duration length) throws InterruptedException {
        byte[] batch = "GET /work?bytes=64KiB HTTP/1.1\r\nHost: h\r\n\r\n".repeat(64)
                .getBytes(StandardCharsets.US_ASCII);
        long end = System.nanoTime() + length.toNanos();
        long sent = 0;
        int cuts = 0;
        while (System.nanoTime() < end) {
            Socket socket = new Socket();
            // The client's writes block once the server stops reading; closing the socket at the end unblocks them.
            Thread watchdog = new Thread(() -> {
                try {
                    Thread.sleep(Math.max(1, (end - System.nanoTime()) / 1_000_000));
                    socket.close();
                } catch (InterruptedException | IOException ignored) {
                    // cut short
                }
            });
            watchdog.setDaemon(true);
            try {
                socket.connect(address, 5_000);
                socket.setReceiveBufferSize(64 * 1024);
                watchdog.start();
                OutputStream out = socket.getOutputStream();
                while (System.nanoTime() < end) {
                    out.write(batch);
                    sent += 64;
                }
            } catch (IOException e) {
                if (System.nanoTime() < end) {
                    cuts++;
                    Thread.sleep(100);
                }
            } finally {
                watchdog.interrupt();
                try {
                    socket.close();
                } catch (IOException ignored) {
                    // closing
                }
            }
        }
        System.out.println("flood: " + sent + " requests written, never read; cut by the server " + cuts + " times");
    }

    private static void suite(InetSocketAddress address, String needs) throws InterruptedException {
        Set<Need> provided = switch (needs) {
            case "none" -> EnumSet.of(Need.NON_BLOCKING_WRITES);
            case "concurrency" -> EnumSet.of(Need.CONCURRENCY, Need.NON_BLOCKING_WRITES);
            default -> EnumSet.allOf(Need.class);
        };
        HostileCases.warmUp(address, SuiteLimits.suite());
        List<Outcome> outcomes = HostileCases.run(address, SuiteLimits.suite(), provided,
                needs.equals("none") ? 1 : 8);
        int ran = 0;
        int passed = 0;
        for (Outcome o : outcomes) {
            if (o.skipped()) {
                continue;
            }
            ran++;
            if (o.passed()) {
                passed++;
            } else {
                System.out.println("FAILED " + o.hostileCase() + ": " + o.failure());
            }
        }
        System.out.println("suite: handled " + passed + "/" + ran + " (" + (outcomes.size() - ran)
                + " not applicable to this kind)");
    }
}
