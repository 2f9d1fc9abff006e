package dev.topo.server.hostile;

import static dev.topo.server.hostile.Probes.GET;
import static dev.topo.server.hostile.Probes.check;
import static dev.topo.server.hostile.Probes.closedWithin;
import static dev.topo.server.hostile.Probes.of;
import static dev.topo.server.hostile.Probes.refused;
import static dev.topo.server.hostile.Probes.served;

import dev.topo.server.hostile.HostileCase.Need;
import dev.topo.server.hostile.HostileClient.Response;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.util.ArrayList;
import java.util.List;

/**
 * What clients do with the connection itself: floods, half-closes, resets, protocols that are not HTTP/1.1, and the
 * close after an error response.
 */
final class ConnectionCases {
    /** The start of a TLS 1.2 ClientHello record, as a browser sends it to an https:// URL on this port. */
    private static final String TLS_HELLO = "\u0016\u0003\u0001\u0002\u0000\u0001\u0000\u0001\u00fc\u0003\u0003"
            + "\u00a7\u0041\u0012\u0099\u00e0\u0000\u0010\n\u0020\u0020\u00c0\u002b\u00c0\u002f";
    private static final String H2_PREFACE = "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n\u0000\u0000\u0012\u0004\u0000";

    private ConnectionCases() {
    }

    static List<HostileCase> all(SuiteLimits limits) {
        List<HostileCase> cases = new ArrayList<>();
        cases.add(refused("flood", "empty lines before the request", "\r\n".repeat(200) + GET, 400));
        cases.add(of("flood", "a thousand pipelined requests in one write", ConnectionCases::pipelineFlood));
        cases.add(served("flood", "slow requests pipelined past the limit",
                "GET /work?sleep=20ms HTTP/1.1\r\nHost: h\r\n\r\n".repeat(limits.maxPipelinedRequests() * 2),
                statuses(limits.maxPipelinedRequests() * 2, 200)));
        cases.add(served("flood", "many small fields under the limit", "GET / HTTP/1.1\r\nHost: h\r\n"
                + "X-F: 1\r\n".repeat(limits.maxHeaderSize() / 16) + "\r\n", 200));
        cases.add(of("flood", "a hundred connections opened and dropped", ConnectionCases::connectionFlood));

        cases.add(of("half-closed", "a request, then FIN", (a, l) -> halfClosed(a, l, GET, 200)));
        cases.add(of("half-closed", "three pipelined, then FIN", (a, l) -> halfClosed(a, l, GET + GET + GET,
                200, 200, 200)));
        cases.add(of("half-closed", "a slow request, then FIN", (a, l) -> halfClosed(a, l,
                "GET /work?sleep=200ms HTTP/1.1\r\nHost: h\r\n\r\n", 200)));
        cases.add(of("half-closed", "an echo, then FIN", (a, l) -> halfClosed(a, l,
                "POST /echo HTTP/1.1\r\nHost: h\r\nContent-Length: 5\r\n\r\nhello", 200)));
        cases.add(of("half-closed", "FIN before any request", (a, l) -> halfClosed(a, l, "")));
        cases.add(of("half-closed", "FIN in the middle of a head", ConnectionCases::finMidHead));

        cases.add(of("reset", "reset right after connecting", (a, l) -> reset(a, "")));
        cases.add(of("reset", "reset in the middle of a head", (a, l) -> reset(a, "GET / HTTP/1.1\r\nHost: ")));
        cases.add(of("reset", "reset in the middle of a body", (a, l) -> reset(a,
                "POST /echo HTTP/1.1\r\nHost: h\r\nContent-Length: 1000\r\n\r\nhalf")));
        cases.add(of("reset", "reset while the request is handled", (a, l) -> reset(a,
                "GET /work?sleep=200ms HTTP/1.1\r\nHost: h\r\n\r\n")));
        cases.add(of("reset", "reset while a large response is written", ConnectionCases::resetMidResponse));
        cases.add(of("reset", "reset after pipelining without reading", (a, l) -> reset(a, GET.repeat(500))));

        cases.add(refused("preface", "TLS ClientHello", TLS_HELLO, 400));
        cases.add(refused("preface", "SSLv2-compatible hello", "\u0080\u002e\u0001\u0003\u0001\u0000\u0015", 400));
        cases.add(refused("preface", "HTTP/2 prior-knowledge preface", H2_PREFACE, 505));
        cases.add(refused("preface", "PROXY protocol v1 line",
                "PROXY TCP4 192.0.2.1 192.0.2.2 56324 443\r\n" + GET, 400));
        cases.add(refused("preface", "PROXY protocol v2 signature", "\r\n\r\n\u0000\r\nQUIT\n\u0021\u0011", 400));
        cases.add(served("preface", "h2c upgrade is ignored", "GET / HTTP/1.1\r\nHost: h\r\nConnection: Upgrade, "
                + "HTTP2-Settings\r\nUpgrade: h2c\r\nHTTP2-Settings: AAMAAABkAAQAoAAAAAIAAAAA\r\n\r\n", 200));
        cases.add(served("preface", "WebSocket upgrade is ignored", "GET / HTTP/1.1\r\nHost: h\r\nConnection: "
                + "Upgrade\r\nUpgrade: websocket\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
                + "Sec-WebSocket-Version: 13\r\n\r\n", 200));

        cases.add(of("polite-close", "input after a 413 is drained, not reset", ConnectionCases::drainedAfterError,
                Need.NON_BLOCKING_WRITES));
        cases.add(of("polite-close", "a 431 is readable with unread input behind it", (a, l) -> {
            try (HostileClient c = new HostileClient(a)) {
                c.send("GET / HTTP/1.1\r\nHost: h\r\nX: " + "x".repeat(l.maxHeaderSize()) + "\r\n\r\n"
                        + "y".repeat(64 * 1024));
                Probes.expectRefusal(c, 431, l);
            }
        }));
        return cases;
    }

    private static int[] statuses(int count, int status) {
        int[] all = new int[count];
        java.util.Arrays.fill(all, status);
        return all;
    }

    private static void pipelineFlood(InetSocketAddress address, SuiteLimits limits) throws IOException {
        int n = 1000;
        try (HostileClient c = new HostileClient(address)) {
            StringBuilder all = new StringBuilder();
            for (int i = 0; i < n; i++) {
                all.append("GET /work?bytes=").append(i % 97).append(" HTTP/1.1\r\nHost: h\r\n\r\n");
            }
            c.send(all.toString());
            for (int i = 0; i < n; i++) {
                Response r = c.read(limits.atOnce());
                check(r.status() == 200 && r.body().length == i % 97, "response " + i + " out of order or lost");
            }
        }
    }

    private static void connectionFlood(InetSocketAddress address, SuiteLimits limits) throws IOException {
        List<Socket> sockets = new ArrayList<>();
        try {
            for (int i = 0; i < 100; i++) {
                sockets.add(new Socket("127.0.0.1", address.getPort()));
            }
        } finally {
            for (Socket s : sockets) {
                s.close();
            }
        }
    }

    /** Sends {@code raw}, shuts the output: every request is still answered, then the server closes. */
    private static void halfClosed(InetSocketAddress address, SuiteLimits limits, String raw, int... statuses)
            throws IOException {
        try (HostileClient c = new HostileClient(address)) {
            c.send(raw).halfClose();
            for (int status : statuses) {
                Response r = c.read(limits.atOnce());
                check(r.status() == status, "expected " + status + " after the FIN, got " + r.status());
            }
            closedWithin(c, limits.atOnce(), "after the last answer to a half-closed client");
        }
    }

    private static void finMidHead(InetSocketAddress address, SuiteLimits limits) throws IOException {
        try (HostileClient c = new HostileClient(address)) {
            c.send("GET / HTTP/1.1\r\nHost: h\r\nX-Cut: ").halfClose();
            // Either a 400 for the cut request or a plain close is right; an answer that waits is not.
            long took = c.awaitClosed(limits.atOnce());
            check(took >= 0, "a half-closed client with half a request is let go at once");
        }
    }

    private static void reset(InetSocketAddress address, String raw) throws IOException {
        HostileClient c = new HostileClient(address);
        if (!raw.isEmpty()) {
            c.send(raw);
        }
        c.reset();
    }

    private static void resetMidResponse(InetSocketAddress address, SuiteLimits limits) throws IOException {
        HostileClient c = new HostileClient(address);
        c.send("GET /work?bytes=256KiB HTTP/1.1\r\nHost: h\r\n\r\n".repeat(4));
        c.socket().getInputStream().readNBytes(1024);
        c.reset();
    }

    /**
     * After an error response the server shuts its output (the client reads the 413, then end-of-stream) but keeps
     * reading: bytes the client is still sending are drained, not answered with a reset that could destroy the 413.
     */
    private static void drainedAfterError(InetSocketAddress address, SuiteLimits limits)
            throws IOException, InterruptedException {
        try (HostileClient c = new HostileClient(address)) {
            c.send("POST /echo HTTP/1.1\r\nHost: h\r\nContent-Length: " + (limits.maxBodySize() + 1) + "\r\n\r\n");
            Response r = c.read(limits.atOnce());
            check(r.status() == 413, "expected 413, got " + r.status());
            long eof = c.awaitClosed(limits.atOnce());
            check(eof >= 0, "the output is shut right after the 413");
            for (int i = 0; i < 4; i++) {
                c.send("z".repeat(1024));
                Thread.sleep(20);
            }
            check(!c.socket().isClosed(), "still writable while the server lingers");
        }
    }
}
