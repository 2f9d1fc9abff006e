package dev.topo.loadgen.compare;

import java.util.List;
import java.util.Locale;

/**
 * The rules that keep a comparison of like with like: which runs may be compared at all, which columns a scenario
 * ranks, and when a difference is too small to call a winner. Plain logic, shared by the results and the tables.
 */
public final class LikeWithLike {

    /** An open-loop run further than this from its offered rate did not carry the same load as the others. */
    public static final double RATE_TOLERANCE = 0.02;
    /**
     * A best value must beat every other by more than this to be marked: each cell is one sample, and on a shared
     * machine two runs of the same configuration differ by a few percent.
     */
    public static final double TIE_TOLERANCE = 0.05;

    private LikeWithLike() {
    }

    /**
     * Why the run cannot be compared with the others of its scenario, or null when it can: in open loop, it
     * achieved a rate more than {@link #RATE_TOLERANCE} away from the offered one, so its latency and its CPU per
     * request were measured under another load.
     */
    public static String notComparable(double offeredRate, double achievedRate) {
        if (offeredRate <= 0) {
            return null;
        }
        double miss = achievedRate / offeredRate - 1;
        return Math.abs(miss) <= RATE_TOLERANCE ? null : String.format(Locale.ROOT,
                "achieved %.0f of %.0f req/s offered (%+.1f%%)", achievedRate, offeredRate, miss * 100);
    }

    /**
     * Latency is ranked only under an open loop: a closed loop waits for each response before the next request
     * (coordinated omission by design), so its percentiles flatter whoever stalls.
     */
    public static boolean ranksLatency(double offeredRate) {
        return offeredRate > 0;
    }

    /** Requests/s is ranked only in a closed loop: in an open loop the offered rate sets it. */
    public static boolean ranksRate(double offeredRate) {
        return offeredRate <= 0;
    }

    /**
     * With {@code --repeat}: whether {@code best}'s range over the repeats overlaps no other row's ({@code all} holds
     * it, and nulls for rows without repeats). Overlapping ranges are a tie: the difference is inside the noise.
     */
    public static boolean apart(Repeats.Figure best, List<Repeats.Figure> all) {
        if (best == null) {
            return true;
        }
        for (Repeats.Figure f : all) {
            if (f != null && f != best && f.overlaps(best)) {
                return false;
            }
        }
        return true;
    }

    /**
     * Whether {@code v} is the clear best of {@code values} (which hold it): better than every other value by more
     * than {@link #TIE_TOLERANCE}. A tie, or a lone value, is not marked.
     */
    public static boolean clearBest(double v, List<Double> values, boolean higherIsBetter) {
        int others = 0;
        for (double o : values) {
            if (Double.isNaN(o)) {
                continue;
            }
            others++;
            if (o == v) {
                continue;
            }
            double margin = higherIsBetter ? v / o - 1 : o / v - 1;
            if (!(margin > TIE_TOLERANCE)) {
                return false;
            }
        }
        // v itself is among the values: a clear best needs at least one other.
        return others >= 2 && values.stream().filter(o -> o == v).count() == 1;
    }
}
