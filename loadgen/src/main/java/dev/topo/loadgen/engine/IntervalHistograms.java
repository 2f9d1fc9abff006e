package dev.topo.loadgen.engine;

import org.HdrHistogram.Histogram;

/**
 * The histograms of one interval, merged over threads, in nanoseconds. They are reused for the next interval:
 * a listener must copy what it wants to keep.
 */
public record IntervalHistograms(long startEpochMs, long endEpochMs, Histogram latency, Histogram uncorrected,
                                 Histogram connect, Histogram ttfb) {
}
