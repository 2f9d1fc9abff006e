package dev.topo.loadgen.stats;

import org.HdrHistogram.Histogram;

/**
 * Percentiles of one latency histogram, in microseconds. Histograms are recorded in nanoseconds.
 *
 * @param count   values recorded
 * @param minUs   smallest value
 * @param meanUs  arithmetic mean
 * @param stdevUs standard deviation
 */
public record LatencyStats(long count, double minUs, double meanUs, double stdevUs, double p50Us, double p90Us,
                           double p99Us, double p999Us, double p9999Us, double maxUs) {

    public static final LatencyStats EMPTY = new LatencyStats(0, 0, 0, 0, 0, 0, 0, 0, 0, 0);

    public static LatencyStats of(Histogram h) {
        if (h == null || h.getTotalCount() == 0) {
            return EMPTY;
        }
        return new LatencyStats(h.getTotalCount(), us(h.getMinValue()), us(h.getMean()), us(h.getStdDeviation()),
                us(h.getValueAtPercentile(50)), us(h.getValueAtPercentile(90)), us(h.getValueAtPercentile(99)),
                us(h.getValueAtPercentile(99.9)), us(h.getValueAtPercentile(99.99)), us(h.getMaxValue()));
    }

    private static double us(double nanos) {
        // Three decimals keep the JSON readable without losing the histogram's own precision.
        return Math.round(nanos) / 1000.0;
    }
}
