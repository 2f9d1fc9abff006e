package dev.topo.loadgen.report;

import dev.topo.loadgen.engine.IntervalHistograms;
import dev.topo.loadgen.engine.LoadListener;
import dev.topo.loadgen.engine.LoadSpec;
import dev.topo.loadgen.engine.TimelinePoint;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.HistogramLogWriter;

import java.io.Closeable;
import java.io.FileNotFoundException;
import java.io.UncheckedIOException;
import java.nio.file.Path;

/**
 * Streams every interval into an HdrHistogram log while the run goes on, so a long run keeps no history in
 * memory. Values are nanoseconds. The corrected latency is untagged (what HistogramLogProcessor reads by default);
 * "uncorrected" (open loop only), "connect" and "ttfb" are tagged.
 */
public final class HdrLogListener implements LoadListener, Closeable {

    private final HistogramLogWriter writer;

    public HdrLogListener(Path file) {
        try {
            this.writer = new HistogramLogWriter(file.toFile());
        } catch (FileNotFoundException e) {
            throw new UncheckedIOException(e);
        }
    }

    private boolean started;

    @Override
    public void onStart(LoadSpec spec, String transport) {
        writer.outputComment("topo-loadgen " + spec.target() + ", values in nanoseconds");
        writer.outputLogFormatVersion();
    }

    @Override
    public void onWarmupEnd() {
        writer.outputComment("warm-up ended");
    }

    @Override
    public void onInterval(TimelinePoint point, IntervalHistograms h) {
        writeAll(h);
    }

    /** The drain's histograms too, so that the log adds up to the summary's totals. */
    @Override
    public void onDrain(IntervalHistograms h) {
        writer.outputComment("drain after the measured window");
        writeAll(h);
    }

    private void writeAll(IntervalHistograms h) {
        if (!started) {
            // The first interval's start is the log's time origin, so interval timestamps start at 0.
            started = true;
            writer.setBaseTime(h.startEpochMs());
            writer.outputBaseTime(h.startEpochMs());
            writer.outputStartTime(h.startEpochMs());
            writer.outputLegend();
        }
        write(h.latency(), null, h);
        if (h.uncorrected() != h.latency()) {
            write(h.uncorrected(), "uncorrected", h);
        }
        write(h.connect(), "connect", h);
        write(h.ttfb(), "ttfb", h);
    }

    private void write(Histogram histogram, String tag, IntervalHistograms h) {
        histogram.setStartTimeStamp(h.startEpochMs());
        histogram.setEndTimeStamp(h.endEpochMs());
        histogram.setTag(tag);
        writer.outputIntervalHistogram(histogram);
    }

    @Override
    public void close() {
        writer.close();
    }
}
