package dev.topo.loadgen.engine;

import java.time.Duration;
import java.util.Objects;

/**
 * How a run warms up before it measures; everything recorded during the warm-up is discarded. Either a fixed
 * length ({@link Duration#ZERO}: none, the measurement starts with the first connection) or {@code auto}: the load
 * runs until {@link WarmupDetector} finds it steady (two consecutive one-second windows agree within 5%), at most
 * for {@code length}, the ceiling.
 *
 * @param untilSteady warm up until steady ({@code auto}) rather than for a fixed time
 * @param length      the fixed length, or the ceiling of an automatic warm-up
 */
public record Warmup(boolean untilSteady, Duration length) {

    /** No warm-up: the engine's default, so that an API user's counts match the server's. */
    public static final Warmup NONE = new Warmup(false, Duration.ZERO);
    /** Long enough for the client's JIT (C2 in 2-5 s under load here), short next to a typical 10-30 s run. */
    public static final Duration DEFAULT_CEILING = Duration.ofSeconds(10);

    public Warmup {
        Objects.requireNonNull(length, "length");
        if (length.isNegative() || (untilSteady && length.isZero())) {
            throw new InvalidValueException("warmup", (untilSteady ? "auto with a ceiling of " : "")
                    + InvalidValueException.duration(length), untilSteady ? "a ceiling > 0" : ">= 0");
        }
    }

    public static Warmup fixed(Duration length) {
        return new Warmup(false, length);
    }

    /** Until steady, at most {@link #DEFAULT_CEILING}. */
    public static Warmup auto() {
        return new Warmup(true, DEFAULT_CEILING);
    }

    public boolean isNone() {
        return !untilSteady && length.isZero();
    }

    /** As the options of the result say it: {@code auto}, or the fixed length ({@code 0s}, {@code 5s}). */
    public String label() {
        return untilSteady ? "auto" : InvalidValueException.duration(length);
    }
}
