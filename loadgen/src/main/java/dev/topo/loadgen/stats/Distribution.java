package dev.topo.loadgen.stats;

/**
 * How evenly a quantity is spread over n buckets (listeners, event loops).
 *
 * @param n    buckets
 * @param min  smallest bucket
 * @param max  largest bucket
 * @param mean mean per bucket
 * @param cv   coefficient of variation: population standard deviation / mean; 0 is perfectly even
 * @param jain Jain's fairness index (sum x)^2 / (n * sum x^2): 1 is perfectly even, 1/n is all in one bucket
 */
public record Distribution(int n, long min, long max, double mean, double cv, double jain) {

    public static final Distribution EMPTY = new Distribution(0, 0, 0, 0, 0, 0);

    public static Distribution of(long[] values) {
        int n = values.length;
        if (n == 0) {
            return EMPTY;
        }
        long min = Long.MAX_VALUE;
        long max = Long.MIN_VALUE;
        double sum = 0;
        double sumSquares = 0;
        for (long v : values) {
            min = Math.min(min, v);
            max = Math.max(max, v);
            sum += v;
            sumSquares += (double) v * v;
        }
        double mean = sum / n;
        double variance = Math.max(0, sumSquares / n - mean * mean);
        double cv = mean == 0 ? 0 : Math.sqrt(variance) / mean;
        double jain = sumSquares == 0 ? 0 : sum * sum / (n * sumSquares);
        return new Distribution(n, min, max, mean, cv, jain);
    }
}
