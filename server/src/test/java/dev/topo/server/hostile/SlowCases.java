package dev.topo.server.hostile;

import static dev.topo.server.hostile.Probes.check;
import static dev.topo.server.hostile.Probes.closedWithin;
import static dev.topo.server.hostile.Probes.of;
import static dev.topo.server.hostile.Probes.onTime;

import dev.topo.server.hostile.HostileCase.Need;
import dev.topo.server.hostile.HostileClient.Response;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;

/**
 * Clients that take their time: each is cut at its limit (request, idle, send timeout), to within the limits' slack,
 * however its bytes trickle in.
 */
final class SlowCases {
    private SlowCases() {
    }

    static List<HostileCase> all(SuiteLimits limits) {
        return List.of(
                of("slow", "header lines trickled", (a, l) -> trickled(a, l, "GET / HTTP/1.1\r\nHost: h\r\n",
                        "X-Slow: 1\r\n", 408)),
                of("slow", "body trickled byte by byte", (a, l) -> trickled(a, l,
                        "POST / HTTP/1.1\r\nHost: h\r\nContent-Length: " + l.maxBodySize() + "\r\n\r\n", "b", 408)),
                of("slow", "request line trickled byte by byte", (a, l) -> trickled(a, l, "G", "E", 408)),
                of("slow", "echo body trickled: the begun echo is cut", SlowCases::echoTrickled),
                of("slow", "partial head, then silence", (a, l) -> silentAfter(a, l,
                        "GET / HTTP/1.1\r\nHost: h\r\n", 408, l.requestTimeout())),
                of("slow", "100-continue and no body", (a, l) -> silentAfter(a, l, "POST /echo HTTP/1.1\r\nHost: h\r\n"
                        + "Content-Length: 10\r\nExpect: 100-continue\r\n\r\n", 408, l.requestTimeout())),
                of("slow", "connects and sends nothing", (a, l) -> silentAfter(a, l, "", 0, l.idleTimeout())),
                of("slow", "idle after a response", SlowCases::idleAfterResponse),
                of("slow", "partial request behind a slow one", SlowCases::partialBehindSlow),
                of("slow", "never reads its responses", SlowCases::neverReads, Need.NON_BLOCKING_WRITES,
                        Need.CONCURRENCY));
    }

    /** Sends {@code first}, then {@code piece} every eighth of the request timeout, until an answer comes. */
    private static void trickled(InetSocketAddress address, SuiteLimits limits, String first, String piece,
            int status) throws IOException, InterruptedException {
        long pause = Math.min(100, limits.requestTimeout().toMillis() / 8);
        try (HostileClient c = new HostileClient(address)) {
            long start = System.nanoTime();
            c.send(first);
            long deadline = start + limits.requestTimeout().plus(limits.slack()).plusSeconds(1).toNanos();
            while (c.nothingAvailable() && System.nanoTime() < deadline) {
                Thread.sleep(pause);
                if (c.nothingAvailable()) {
                    c.send(piece);
                }
            }
            Response r = c.read(limits.atOnce());
            Duration took = Duration.ofNanos(System.nanoTime() - start);
            check(r.status() == status, "expected " + status + ", got " + r.status());
            onTime(took, limits.requestTimeout(), limits, "answered " + status);
            closedWithin(c, limits.lingerTimeout().plus(limits.atOnce()), "after the " + status);
        }
    }

    /** One body byte every eighth of the request timeout to {@code /echo}, reading what comes back, until cut. */
    private static void echoTrickled(InetSocketAddress address, SuiteLimits limits)
            throws IOException, InterruptedException {
        long pause = Math.min(100, limits.requestTimeout().toMillis() / 8);
        try (HostileClient c = new HostileClient(address)) {
            long start = System.nanoTime();
            c.send("POST /echo HTTP/1.1\r\nHost: h\r\nContent-Length: " + limits.maxBodySize() + "\r\n\r\n");
            long deadline = start + limits.requestTimeout().plus(limits.slack()).plusSeconds(1).toNanos();
            InputStream in = c.socket().getInputStream();
            c.socket().setSoTimeout(1);
            byte[] sink = new byte[4096];
            boolean closed = false;
            while (!closed && System.nanoTime() < deadline) {
                try {
                    c.send("e");
                    Thread.sleep(pause);
                    // Drain what was echoed; a read that waits 1 ms for more ends the draining.
                    while (!closed) {
                        closed = in.read(sink) < 0;
                    }
                } catch (java.net.SocketTimeoutException drained) {
                    // nothing more for now
                } catch (IOException cut) {
                    closed = true;
                }
            }
            check(closed, "the echo was not cut");
            onTime(Duration.ofNanos(System.nanoTime() - start), limits.requestTimeout(), limits, "cut");
        }
    }

    /** Sends {@code raw} and nothing more: answered {@code status} (0: none) and closed after {@code limit}. */
    private static void silentAfter(InetSocketAddress address, SuiteLimits limits, String raw, int status,
            Duration limit) throws IOException {
        try (HostileClient c = new HostileClient(address)) {
            long start = System.nanoTime();
            c.send(raw);
            Duration budget = limit.plus(limits.slack()).plus(limits.atOnce());
            if (status != 0) {
                Response r = c.read(budget);
                check(r.status() == status, "expected " + status + ", got " + r.status());
                onTime(Duration.ofNanos(System.nanoTime() - start), limit, limits, "answered " + status);
                closedWithin(c, limits.lingerTimeout().plus(limits.atOnce()), "after the " + status);
            } else {
                closedWithin(c, budget, "while silent");
                check(c.nothingAvailable(), "closed without a response");
                onTime(Duration.ofNanos(System.nanoTime() - start), limit, limits, "closed");
            }
        }
    }

    private static void idleAfterResponse(InetSocketAddress address, SuiteLimits limits) throws IOException {
        try (HostileClient c = new HostileClient(address)) {
            check(c.send(Probes.GET).read(limits.atOnce()).status() == 200, "served");
            long start = System.nanoTime();
            closedWithin(c, limits.idleTimeout().plus(limits.slack()).plus(limits.atOnce()), "while idle");
            onTime(Duration.ofNanos(System.nanoTime() - start), limits.idleTimeout(), limits, "closed");
        }
    }

    /** The clock of a request that arrives while an earlier one is handled starts with the earlier response. */
    private static void partialBehindSlow(InetSocketAddress address, SuiteLimits limits) throws IOException {
        try (HostileClient c = new HostileClient(address)) {
            c.send("GET /work?sleep=100ms HTTP/1.1\r\nHost: h\r\n\r\nGET / HTTP/1.1\r\n");
            check(c.read(limits.atOnce()).status() == 200, "the slow request is served");
            long start = System.nanoTime();
            Response r = c.read(limits.requestTimeout().plus(limits.slack()).plus(limits.atOnce()));
            check(r.status() == 408, "expected 408, got " + r.status());
            onTime(Duration.ofNanos(System.nanoTime() - start), limits.requestTimeout(), limits, "answered 408");
        }
    }

    /**
     * Pipelines requests for far more than the socket buffers hold and reads nothing: the server stops reading, keeps
     * serving others meanwhile, and closes the connection once it has not been writable for the send timeout.
     */
    private static void neverReads(InetSocketAddress address, SuiteLimits limits)
            throws IOException, InterruptedException {
        int requests = 128;
        long asked = requests * 256L * 1024;
        try (HostileClient c = new HostileClient(address)) {
            c.socket().setReceiveBufferSize(64 * 1024);
            c.send("GET /work?bytes=256KiB HTTP/1.1\r\nHost: h\r\n\r\n".repeat(requests));
            Thread.sleep(limits.sendTimeout().plus(limits.slack()).toMillis() + 300);
            Probes.servesNextClient(address, limits);
            long received = 0;
            InputStream in = c.socket().getInputStream();
            c.socket().setSoTimeout(5_000);
            byte[] sink = new byte[64 * 1024];
            try {
                for (int n = in.read(sink); n >= 0; n = in.read(sink)) {
                    received += n;
                }
            } catch (java.net.SocketException reset) {
                // closed by the server: what matters is that it stopped
            }
            check(received < asked / 2, "the server kept sending to a client that does not read: " + received
                    + " of " + asked + " bytes");
        }
    }
}
