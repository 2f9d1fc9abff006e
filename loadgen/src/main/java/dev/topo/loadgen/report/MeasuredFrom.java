package dev.topo.loadgen.report;

import dev.topo.loadgen.engine.IntervalHistograms;
import dev.topo.loadgen.engine.LoadListener;
import dev.topo.loadgen.engine.TimelinePoint;

/**
 * Remembers when the measurement started on the wall clock (the first measured interval's start): the time by
 * which the timelines of parts run on several machines are lined up when they are merged.
 */
public final class MeasuredFrom implements LoadListener {

    private volatile long epochMs;

    @Override
    public void onInterval(TimelinePoint point, IntervalHistograms histograms) {
        if (epochMs == 0) {
            epochMs = histograms.startEpochMs();
        }
    }

    /** Milliseconds since the epoch; 0 before the first interval. */
    public long epochMs() {
        return epochMs;
    }
}
