package dev.topo.server.hostile;

import dev.topo.server.hostile.HostileCase.Need;
import dev.topo.server.hostile.HostileCase.Probe;
import dev.topo.server.hostile.HostileClient.Response;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/** The shapes most hostile cases share: refused with a status, served, cut off in time. */
final class Probes {
    static final String GET = "GET / HTTP/1.1\r\nHost: h\r\n\r\n";

    private Probes() {
    }

    static HostileCase of(String group, String name, Probe probe, Need... needs) {
        return new HostileCase(group, name, needs.length == 0 ? Set.of() : Set.of(needs), probe);
    }

    /** {@code raw} is answered at once with {@code status} and Connection: close, then the connection is closed. */
    static HostileCase refused(String group, String name, String raw, int status) {
        return of(group, name, (address, limits) -> {
            try (HostileClient c = new HostileClient(address)) {
                c.send(raw);
                expectRefusal(c, status, limits);
            }
        });
    }

    /** Reads a refusal with {@code status} and waits for the close that must follow it. */
    static void expectRefusal(HostileClient c, int status, SuiteLimits limits) throws IOException {
        Response r = c.read(limits.atOnce());
        check(r.status() == status, "expected " + status + ", got " + r.status() + ": " + r.text().trim());
        check(r.closes(), "a refusal says Connection: close, got " + r.headers());
        closedWithin(c, limits.lingerTimeout().plus(limits.atOnce()), "after the " + status);
    }

    /** Every request in {@code raw} is answered, in order, with {@code statuses}; the connection stays usable. */
    static HostileCase served(String group, String name, String raw, int... statuses) {
        return of(group, name, (address, limits) -> {
            try (HostileClient c = new HostileClient(address)) {
                c.send(raw);
                for (int i = 0; i < statuses.length; i++) {
                    Response r = c.read(limits.atOnce());
                    check(r.status() == statuses[i], "response " + (i + 1) + ": expected " + statuses[i] + ", got "
                            + r.status() + ": " + r.text().trim());
                }
                check(c.send(GET).read(limits.atOnce()).status() == 200, "the connection serves the next request");
            }
        });
    }

    /** The server closes within {@code within} (end-of-stream or reset); returns how long it took. */
    static Duration closedWithin(HostileClient c, Duration within, String when) throws IOException {
        long took = c.awaitClosed(within);
        check(took >= 0, "still open " + within.toMillis() + " ms " + when);
        return Duration.ofNanos(took);
    }

    /** {@code took} is {@code expected} give or take the limits' slack (never early). */
    static void onTime(Duration took, Duration expected, SuiteLimits limits, String what) {
        Duration early = Duration.ofMillis(50);
        check(took.compareTo(expected.minus(early)) >= 0, what + " after " + took.toMillis() + " ms: earlier than "
                + expected.toMillis() + " ms");
        check(took.compareTo(expected.plus(limits.slack())) <= 0, what + " after " + took.toMillis()
                + " ms: expected " + expected.toMillis() + " ms + at most " + limits.slack().toMillis() + " ms");
    }

    /** {@code count} copies of {@code s}. */
    static String times(String s, int count) {
        return s.repeat(count);
    }

    static List<String> pipelined(String request, int count) {
        List<String> all = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            all.add(request);
        }
        return all;
    }

    static void check(boolean ok, String message) {
        if (!ok) {
            throw new AssertionError(message);
        }
    }

    /**
     * A GET / on a new connection is answered 200: the server survived the case. A thread pool whose queue is still
     * full of the case's connections answers 503 (as documented); that is asked again for up to 3 s.
     */
    static void servesNextClient(InetSocketAddress address, SuiteLimits limits)
            throws IOException, InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(3).toNanos();
        while (true) {
            try (HostileClient c = new HostileClient(address)) {
                Response r = c.send(GET).read(limits.atOnce().plusSeconds(3));
                if (r.status() == 503 && System.nanoTime() < deadline) {
                    Thread.sleep(50);
                    continue;
                }
                check(r.status() == 200, "the next client got " + r.status());
                return;
            }
        }
    }
}
