package dev.topo.server.http;

import dev.topo.config.DataSize;
import dev.topo.config.Durations;
import dev.topo.config.WorkConfig;
import io.netty.handler.codec.http.QueryStringDecoder;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * {@code GET /work?cpu=200us&sleep=10ms&bytes=1024}: burn CPU, then block the handling thread, then answer that many
 * bytes. Blocking is deliberate: it shows what each topology does when a handler blocks.
 */
record WorkRequest(long cpuNanos, long sleepNanos, int bytes) {

    /** A {@code /work} query that cannot be served; the message is sent back with a 400. */
    static final class BadWork extends Exception {
        private static final long serialVersionUID = 1L;

        BadWork(String message) {
            super(message, null, false, false);
        }
    }

    static WorkRequest parse(String uri, WorkConfig limits) throws BadWork {
        Map<String, List<String>> params = new QueryStringDecoder(uri).parameters();
        long cpu = 0;
        long sleep = 0;
        long bytes = 0;
        for (Map.Entry<String, List<String>> e : params.entrySet()) {
            String value = e.getValue().get(e.getValue().size() - 1);
            switch (e.getKey()) {
                case "cpu" -> cpu = duration("cpu", value, limits.maxCpu(), "work.maxCpu");
                case "sleep" -> sleep = duration("sleep", value, limits.maxSleep(), "work.maxSleep");
                case "bytes" -> {
                    DataSize size;
                    try {
                        size = DataSize.parse(value);
                    } catch (IllegalArgumentException ex) {
                        throw new BadWork("bytes: '" + value + "' (expected: " + DataSize.EXPECTED + ")");
                    }
                    if (size.bytes() > limits.maxBytes().bytes()) {
                        throw new BadWork("bytes: '" + value + "' (expected: <= " + limits.maxBytes()
                                + ", the server's work.maxBytes)");
                    }
                    bytes = size.bytes();
                }
                default -> throw new BadWork("'" + e.getKey() + "': unknown parameter (expected: cpu, sleep, bytes)");
            }
        }
        return new WorkRequest(cpu, sleep, (int) bytes);
    }

    private static long duration(String name, String value, Duration max, String limitName) throws BadWork {
        Duration d;
        try {
            d = Durations.parse(value);
        } catch (IllegalArgumentException e) {
            throw new BadWork(name + ": '" + value + "' (expected: " + Durations.EXPECTED + ")");
        }
        if (d.compareTo(max) > 0) {
            throw new BadWork(name + ": '" + value + "' (expected: <= " + Durations.format(max) + ", the server's "
                    + limitName + ")");
        }
        return d.toNanos();
    }

    /** Spins, then sleeps, on the calling thread: whichever thread the topology gave this request. */
    void perform() {
        if (cpuNanos > 0) {
            long end = System.nanoTime() + cpuNanos;
            long x = 0;
            while (System.nanoTime() < end) {
                x += x * 31 + 7;
            }
            sink = x;
        }
        if (sleepNanos > 0) {
            try {
                java.util.concurrent.TimeUnit.NANOSECONDS.sleep(sleepNanos);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** Keeps the JIT from removing the spin loop. */
    @SuppressWarnings("unused")
    private static volatile long sink;
}
