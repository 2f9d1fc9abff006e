package dev.topo.loadgen.engine;

import dev.topo.loadgen.stats.Spread;
import org.HdrHistogram.Histogram;

import java.util.List;

/**
 * The outcome of one run.
 *
 * @param spec       what was run
 * @param transport  "epoll", "io_uring" or "nio"
 * @param warmup     what the warm-up did (how long, whether it became steady); none of it is in the figures
 * @param summary    totals of the measured part
 * @param timeline   one point per measured interval
 * @param spread     responses and connections by Topo listener and event loop
 * @param histograms whole-run histograms, nanoseconds
 */
public record LoadResult(LoadSpec spec, String transport, WarmupReport warmup, Summary summary,
                         List<TimelinePoint> timeline, Spread spread, Totals histograms) {

    public LoadResult {
        timeline = List.copyOf(timeline);
    }

    /** Whole-run histograms (nanoseconds): the base for merging runs or any percentile not in the summary. */
    public record Totals(Histogram latency, Histogram uncorrected, Histogram connect, Histogram ttfb) {
    }
}
