package dev.topo.server.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.topo.server.hostile.LeakWatch;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A bounded, seeded fuzz run of the real request pipeline on an {@link io.netty.channel.embedded.EmbeddedChannel}
 * (no coverage-guided fuzzer is available offline here, so: a seeded generator over the committed corpus in
 * {@code src/test/resources/fuzz/requests}). Each input is a corpus entry mutated, spliced with another and sent in
 * random pieces. Whatever comes in, the server must: raise nothing, write only well-formed responses with known
 * statuses, say {@code Connection: close} only on its last one and then be closed, and have closed or be idle once
 * the timeouts have passed; and no buffer may leak.
 *
 * <p>{@code -Dtopo.fuzz.seconds=N} (default 20, at most 60 in CI) and {@code -Dtopo.fuzz.seed=S} (default fixed) set
 * the run; a failure names the seed and iteration that reproduce it.
 */
@Timeout(90)
class RequestPipelineFuzzTest {
    private static final Logger log = LoggerFactory.getLogger(RequestPipelineFuzzTest.class);
    private static final Set<Integer> KNOWN = Set.of(200, 400, 404, 405, 408, 413, 414, 417, 431, 501, 505);
    private static final String CONFIG = """
            limits: {maxInitialLineLength: 256, maxHeaderSize: 1KiB, maxBodySize: 2KiB, maxPipelinedRequests: 4}
            work: {maxCpu: 1ms, maxSleep: 1ms, maxBytes: 4KiB}
            """;
    private static final byte[][] TOKENS = {
        bytes("\r\n"), bytes("\r"), bytes("\n"), bytes("\0"), bytes(" "), bytes("\t"), bytes(":"), bytes(","),
        bytes("\r\n\r\n"), bytes("Transfer-Encoding: chunked\r\n"), bytes("Content-Length: 5\r\n"),
        bytes("Content-Length: -1\r\n"), bytes("Host: h\r\n"), bytes("0\r\n\r\n"), bytes("ffffffff\r\n"),
        bytes("HTTP/1.0"), bytes("HTTP/2.0"), bytes("Expect: 100-continue\r\n"), bytes("Connection: close\r\n"),
        bytes("\u00ff"), bytes("\u007f"), bytes("GET / HTTP/1.1\r\n"), bytes(";ext=\"x\""), bytes(" chunked"),
    };

    @Test
    void mutatedRequestsNeverBreakThePipeline() throws Exception {
        LeakWatch.install();
        List<byte[]> corpus = corpus();
        assertTrue(corpus.size() >= 20, "the committed corpus: " + corpus.size() + " entries");
        long seed = Long.getLong("topo.fuzz.seed", 0x70b0_f022L);
        long budget = TimeUnit.SECONDS.toNanos(Math.min(60, Long.getLong("topo.fuzz.seconds", 20)));
        long end = System.nanoTime() + budget;
        int iterations = 0;
        for (int i = 0; System.nanoTime() < end && i < 200_000; i++) {
            Random random = new Random(seed * 1_000_003L + i);
            byte[] input = mutate(corpus, random);
            try {
                exercise(input, random);
            } catch (Throwable t) {
                throw new AssertionError("fuzz input failed (-Dtopo.fuzz.seed=" + seed + ", iteration " + i + "): "
                        + HexFormat.of().formatHex(input) + "\n" + printable(input), t);
            }
            iterations++;
        }
        log.info("fuzzed the request pipeline with {} inputs (seed {})", iterations, seed);
        assertTrue(iterations >= 1_000, "only " + iterations + " inputs in the budget");
        assertEquals(List.of(), LeakWatch.leaksSoFar(), "no buffer leaked over " + iterations + " inputs");
    }

    private static void exercise(byte[] input, Random random) {
        try (PipelineHarness h = new PipelineHarness(CONFIG)) {
            for (int at = 0; at < input.length && h.isOpen(); ) {
                int piece = 1 + random.nextInt(Math.min(input.length - at, random.nextBoolean() ? 4 : 512));
                byte[] part = new byte[piece];
                System.arraycopy(input, at, part, 0, piece);
                h.send(part);
                at += piece;
                if (random.nextInt(8) == 0) {
                    h.advance(random.nextInt(3_000), TimeUnit.MILLISECONDS);
                }
            }
            h.ch.checkException();
            checkResponses(h, false);
            // Past every timeout: closed, or open with nothing pending and nothing half-received.
            h.advance(61, TimeUnit.SECONDS);
            h.ch.checkException();
            checkResponses(h, true);
            assertTrue(!h.isOpen(), "open after every timeout passed");
        }
    }

    /** @param settled every timeout has passed (a streamed echo may still be under way before that) */
    private static void checkResponses(PipelineHarness h, boolean settled) {
        List<String> heads = h.heads();
        for (int i = 0; i < heads.size(); i++) {
            int status = Integer.parseInt(heads.get(i).substring(9, 12));
            assertTrue(KNOWN.contains(status), "unexpected status " + status);
            if (heads.get(i).contains("\r\nConnection: close\r\n")) {
                assertEquals(heads.size() - 1, i, "a response after the one that said Connection: close");
                assertTrue(!settled || !h.isOpen(), "still open after Connection: close");
            }
        }
    }

    /** One corpus entry, changed one to four times, sometimes spliced with another. */
    private static byte[] mutate(List<byte[]> corpus, Random random) {
        List<Byte> b = toList(corpus.get(random.nextInt(corpus.size())));
        int changes = 1 + random.nextInt(4);
        for (int c = 0; c < changes; c++) {
            int at = b.isEmpty() ? 0 : random.nextInt(b.size());
            switch (random.nextInt(7)) {
                case 0 -> { if (!b.isEmpty()) b.set(at, (byte) random.nextInt(256)); }
                case 1 -> { if (!b.isEmpty()) b.remove(at); }
                case 2 -> insert(b, at, TOKENS[random.nextInt(TOKENS.length)]);
                case 3 -> { if (!b.isEmpty()) b.subList(at, b.size()).clear(); }
                case 4 -> insert(b, b.size(), corpus.get(random.nextInt(corpus.size())));
                case 5 -> {
                    if (!b.isEmpty()) {
                        int len = Math.min(b.size() - at, 1 + random.nextInt(64));
                        List<Byte> copy = new ArrayList<>(b.subList(at, at + len));
                        b.addAll(at, copy);
                    }
                }
                default -> { if (!b.isEmpty()) b.set(at, (byte) (b.get(at) ^ (1 << random.nextInt(8)))); }
            }
        }
        byte[] out = new byte[b.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = b.get(i);
        }
        return out;
    }

    private static void insert(List<Byte> b, int at, byte[] bytes) {
        List<Byte> add = toList(bytes);
        b.addAll(at, add);
    }

    private static List<Byte> toList(byte[] bytes) {
        List<Byte> list = new ArrayList<>(bytes.length + 16);
        for (byte x : bytes) {
            list.add(x);
        }
        return list;
    }

    static List<byte[]> corpus() throws IOException {
        try (Stream<Path> files = Files.list(Path.of("src/test/resources/fuzz/requests"))) {
            List<byte[]> all = new ArrayList<>();
            for (Path p : files.filter(p -> p.toString().endsWith(".http")).sorted().toList()) {
                all.add(Files.readAllBytes(p));
            }
            return all;
        }
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.ISO_8859_1);
    }

    private static String printable(byte[] input) {
        return new String(input, StandardCharsets.ISO_8859_1).replace("\r", "\\r").replace("\n", "\\n\n")
                .replace("\0", "\\0");
    }
}
