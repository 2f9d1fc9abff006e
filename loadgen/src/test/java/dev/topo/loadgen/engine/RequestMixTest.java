package dev.topo.loadgen.engine;

import dev.topo.loadgen.support.TestHttpServer;
import io.netty.buffer.ByteBuf;
import io.netty.handler.codec.http.HttpResponseStatus;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A request mix: which requests get the second path (no network), then the same against a test server. */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class RequestMixTest {

    private static LoadSpec.Builder http(String url) {
        return LoadSpec.builder(Target.parse(url));
    }

    @Test
    void everyNthRequestOfAThreadTakesTheMixedInPath() {
        RequestMix mix = new RequestMix("/work?sleep=50ms", 4);
        List<Long> mixed = new ArrayList<>();
        for (long i = 0; i < 12; i++) {
            if (mix.mixedIn(i)) {
                mixed.add(i);
            }
        }
        // The 4th, 8th and 12th requests (0-based 3, 7, 11): one in four, none of them first.
        assertEquals(List.of(3L, 7L, 11L), mixed);
    }

    @Test
    void theTemplateSendsTheMixedInRequestLineWhereTheMixSays() {
        RequestTemplate t = RequestTemplate.of(http("http://127.0.0.1:8080/").mix(new RequestMix("/slow", 3))
                .build());
        try {
            List<String> lines = new ArrayList<>();
            for (long i = 0; i < 6; i++) {
                ByteBuf b = t.next(i);
                String text = b.toString(StandardCharsets.ISO_8859_1);
                b.release();
                lines.add(text.substring(0, text.indexOf("\r\n")));
                // Same headers either way: only the target differs.
                assertTrue(text.contains("Host: 127.0.0.1:8080\r\n"), text);
            }
            assertEquals(List.of("GET / HTTP/1.1", "GET / HTTP/1.1", "GET /slow HTTP/1.1", "GET / HTTP/1.1",
                    "GET / HTTP/1.1", "GET /slow HTTP/1.1"), lines);
        } finally {
            t.release();
        }
        // Without a mix, every index is the main request.
        RequestTemplate plain = RequestTemplate.of(http("http://127.0.0.1:8080/a").build());
        try {
            ByteBuf b = plain.next(2);
            assertTrue(b.toString(StandardCharsets.ISO_8859_1).startsWith("GET /a HTTP/1.1\r\n"));
            b.release();
        } finally {
            plain.release();
        }
    }

    @Test
    void aMixIsCheckedInTheOneErrorShape() {
        assertEquals("mix.every: 0 (expected: >= 2)",
                assertThrows(InvalidValueException.class, () -> new RequestMix("/w", 0)).getMessage());
        assertEquals("mix.every: 1 (expected: >= 2)",
                assertThrows(InvalidValueException.class, () -> RequestMix.parse("/w:1")).getMessage());
        assertEquals("mix.path: 'w' (expected: a path starting with '/')",
                assertThrows(InvalidValueException.class, () -> new RequestMix("w", 5)).getMessage());
        assertEquals("mix: '/w' (expected: PATH:EVERY, as /work:100)",
                assertThrows(InvalidValueException.class, () -> RequestMix.parse("/w")).getMessage());
        // The path may hold a colon: the count is after the last one.
        assertEquals(new RequestMix("/a:b?x=1", 100), RequestMix.parse("/a:b?x=1:100"));
        assertTrue(assertThrows(InvalidValueException.class, () -> LoadSpec.builder(Target.parse("tcp://h:7"))
                .mix(new RequestMix("/w", 5)).build()).getMessage().startsWith("mix: '/w:5' (expected: none"));
    }

    @Test
    void theSlowMixedInRequestsAreServedAtTheirShareAndShowInTheTail() throws Exception {
        AtomicLong slow = new AtomicLong();
        AtomicLong fast = new AtomicLong();
        try (TestHttpServer server = TestHttpServer.start((s, ctx, req, n, c) -> {
            if (req.uri().startsWith("/work")) {
                slow.incrementAndGet();
                s.respondLater(ctx, req, 50);
            } else {
                fast.incrementAndGet();
                s.respond(ctx, req, HttpResponseStatus.OK, Map.of());
            }
        })) {
            LoadResult r = LoadEngine.run(http(server.url()).connections(8).threads(1).rate(200)
                    .duration(Duration.ofMillis(1500)).mix(new RequestMix("/work?sleep=50ms", 10)).build());
            long total = slow.get() + fast.get();
            assertTrue(total >= 250, total + " requests at 200/s for 1.5 s");
            // One thread, so one in ten of everything sent; a request or two may still be in flight at the end.
            assertEquals(total / 10.0, slow.get(), 2.0, slow + " slow of " + total);
            Summary sum = r.summary();
            assertEquals(0, sum.errorsTotal());
            // One request in ten waits 50 ms: the p99 of all requests is one of them.
            assertTrue(sum.latency().p99Us() >= 50_000, "p99 " + sum.latency().p99Us() + " us");
            assertTrue(sum.latency().p50Us() < 50_000, "p50 " + sum.latency().p50Us() + " us");
            assertFalse(r.spec().mix() == null);
        }
    }
}
