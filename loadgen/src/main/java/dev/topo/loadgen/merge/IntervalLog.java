package dev.topo.loadgen.merge;

import dev.topo.loadgen.stats.Histograms;
import org.HdrHistogram.EncodableHistogram;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.HistogramLogReader;

import java.io.InputStream;
import java.util.HashMap;
import java.util.Map;

/**
 * The interval histograms of the parts' HdrHistogram logs ({@code topo load --hdr-log}), added per wall-clock
 * second and tag: what gives the merged timeline its exact percentiles. Each interval goes to the second its
 * start is nearest to, the same rule {@link TimelineMerge} uses for the parts' timeline points, so that parts
 * started together land in the same seconds even when their clocks tick a few milliseconds apart.
 */
public final class IntervalLog {

    /** The untagged histograms: the latency (corrected in open loop). */
    public static final String LATENCY = "";

    private final Map<String, Map<Long, Histogram>> byTag = new HashMap<>();
    private int logs;

    /** Adds every interval of one log. */
    public void read(InputStream log) {
        HistogramLogReader reader = new HistogramLogReader(log);
        EncodableHistogram next;
        while ((next = reader.nextIntervalHistogram()) != null) {
            if (next instanceof Histogram h) {
                String tag = h.getTag() == null ? LATENCY : h.getTag();
                byTag.computeIfAbsent(tag, k -> new HashMap<>())
                        .computeIfAbsent(second(h.getStartTimeStamp()), k -> Histograms.newHistogram()).add(h);
            }
        }
        logs++;
    }

    /** How many logs were read. */
    public int logs() {
        return logs;
    }

    /** The histogram of {@code tag} added over the logs for the wall-clock second {@code second}, or null. */
    public Histogram at(String tag, long second) {
        Map<Long, Histogram> seconds = byTag.get(tag);
        return seconds == null ? null : seconds.get(second);
    }

    /** The wall-clock second whose start is nearest to {@code epochMs}. */
    static long second(long epochMs) {
        return Math.floorDiv(epochMs + 500, 1000);
    }
}
