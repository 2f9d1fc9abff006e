package dev.topo.loadgen.stats;

import org.HdrHistogram.Histogram;
import org.HdrHistogram.SingleWriterRecorder;

import java.util.concurrent.TimeUnit;

/** Shared histogram settings, so every recorder and every merge target has the same layout. */
public final class Histograms {

    /** Values are nanoseconds; anything above an hour is clamped rather than lost. */
    public static final long HIGHEST_TRACKABLE = TimeUnit.HOURS.toNanos(1);
    public static final int SIGNIFICANT_DIGITS = 3;

    private Histograms() {
    }

    public static Histogram newHistogram() {
        return new Histogram(1, HIGHEST_TRACKABLE, SIGNIFICANT_DIGITS);
    }

    public static SingleWriterRecorder newRecorder() {
        return new SingleWriterRecorder(1, HIGHEST_TRACKABLE, SIGNIFICANT_DIGITS);
    }

    public static long clamp(long nanos) {
        return nanos < 1 ? 1 : Math.min(nanos, HIGHEST_TRACKABLE);
    }
}
