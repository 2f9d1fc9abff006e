package dev.topo.loadgen.cli;

import dev.topo.loadgen.engine.InvalidValueException;
import dev.topo.loadgen.engine.Segment;
import dev.topo.loadgen.engine.Warmup;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

/**
 * The options of {@code topo load} that split one test over several load generators: which part this one runs,
 * when the parts start, and {@code --parts N} to run them all as processes of this machine.
 */
final class SegmentOptions {

    /** The index a Kubernetes indexed Job gives each of its pods. */
    static final String INDEX_ENV = "JOB_COMPLETION_INDEX";
    /** The number of parts, for a part that takes its index from {@link #INDEX_ENV}. */
    static final String COUNT_ENV = "TOPO_SEGMENTS";
    /**
     * The warm-up of a split test when none is asked for: a fixed one, as every part must measure the same window
     * and an automatic warm-up ends when each part alone finds itself steady.
     */
    static final Duration SPLIT_WARMUP = Duration.ofSeconds(5);

    @Option(names = "--segment", paramLabel = "I/N",
            description = "Run part I of N of the test (0 <= I < N): its share of --rate (requests I, I+N, ... of "
                    + "the one schedule), --connections and --connect-rate. Default: from $" + INDEX_ENV
                    + " and --segments")
    String segment;

    @Option(names = "--segments", paramLabel = "N",
            description = "Number of parts when the index comes from $" + INDEX_ENV + " (an indexed Job). "
                    + "Default: $" + COUNT_ENV)
    Integer segments;

    @Option(names = "--start-at", paramLabel = "TIME",
            description = "Start at this wall-clock instant, ISO-8601 (2026-12-03T10:40:00Z) or epoch seconds, so "
                    + "that the parts of a test overlap")
    String startAt;

    @Option(names = "--start-barrier", paramLabel = "DIR",
            description = "Start when every part has written its file into DIR (a shared volume), all at the "
                    + "same instant")
    Path startBarrier;

    @Option(names = "--parts", paramLabel = "N", defaultValue = "1",
            description = "Run the test as N processes of this machine (--segment 0/N ... N-1/N, one start), "
                    + "then merge their results")
    int parts;

    @Option(names = "--parts-dir", paramLabel = "DIR",
            description = "Where --parts keeps each part's JSON, HdrHistogram log and output. Default: a new "
                    + "temporary directory")
    Path partsDir;

    /** The part this run is: {@code --segment}, else the Job's index over {@code --segments}, else the whole. */
    Segment segment(Map<String, String> env) {
        if (segment != null) {
            return Segment.parse(segment);
        }
        Integer count = segments;
        if (count == null && env.get(COUNT_ENV) != null) {
            count = parseCount(env.get(COUNT_ENV), "$" + COUNT_ENV);
        }
        if (count == null) {
            return Segment.WHOLE;
        }
        String index = env.get(INDEX_ENV);
        if (index == null) {
            throw new InvalidValueException("--segments", String.valueOf(count),
                    "with $" + INDEX_ENV + " set, as an indexed Job sets it; or --segment I/N");
        }
        return new Segment(parseCount(index, "$" + INDEX_ENV), count);
    }

    private static int parseCount(String text, String name) {
        try {
            return Integer.parseInt(text.trim());
        } catch (NumberFormatException e) {
            throw new InvalidValueException(name, InvalidValueException.quoted(text), "a whole number");
        }
    }

    /** {@code --start-at} in milliseconds since the epoch, 0 without it. */
    long startAtMs() {
        return startAt == null ? 0 : StartTime.parseEpochMs(startAt);
    }

    /**
     * When to start, in milliseconds since the epoch: {@code --start-at}, what the parts agreed on at the barrier
     * of {@code --start-barrier} (waiting there for them; the later of the two when both are given), or 0: now.
     */
    long startEpochMs(Segment part) throws IOException, InterruptedException {
        long at = startAtMs();
        if (startBarrier != null) {
            at = Math.max(at, StartTime.barrier(startBarrier, part.index(), part.count()));
        }
        return at;
    }

    /** A split test warms up for a fixed time: {@code --warmup} if it gave one, else {@link #SPLIT_WARMUP}. */
    static Warmup warmup(Warmup asked, boolean split, boolean explicit) {
        if (!split || !asked.untilSteady()) {
            return asked;
        }
        if (explicit) {
            throw new InvalidValueException("--warmup", "auto", "a fixed duration with --segment or --parts: "
                    + "every part must measure the same window");
        }
        return Warmup.fixed(SPLIT_WARMUP);
    }
}
