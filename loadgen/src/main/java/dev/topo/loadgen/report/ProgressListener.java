package dev.topo.loadgen.report;

import dev.topo.loadgen.engine.IntervalHistograms;
import dev.topo.loadgen.engine.LoadListener;
import dev.topo.loadgen.engine.LoadSpec;
import dev.topo.loadgen.engine.TimelinePoint;
import dev.topo.loadgen.engine.Warmup;
import dev.topo.loadgen.engine.WarmupWindow;

import java.io.PrintStream;
import java.util.Locale;

/** One line, rewritten in place each second, on a terminal's stderr. */
public final class ProgressListener implements LoadListener {

    private final PrintStream err;
    private double durationSeconds;
    private boolean dirty;

    public ProgressListener(PrintStream err) {
        this.err = err;
    }

    @Override
    public void onStart(LoadSpec spec, String transport) {
        durationSeconds = spec.duration().toMillis() / 1000.0;
        Warmup warmup = spec.warmup();
        if (warmup.untilSteady()) {
            err.printf(Locale.ROOT, "\rwarming up until steady (at most %.0fs)...", warmup.length().toMillis() / 1e3);
            dirty = true;
        } else if (!warmup.isNone()) {
            err.printf(Locale.ROOT, "\rwarming up for %.1fs...", warmup.length().toMillis() / 1e3);
            dirty = true;
        }
    }

    @Override
    public void onWarmupWindow(WarmupWindow w) {
        err.printf(Locale.ROOT, "\r\033[K[warm-up %4.1fs] %10.0f req/s  (discarded)", w.elapsedSeconds(), w.rate());
        err.flush();
        dirty = true;
    }

    @Override
    public void onInterval(TimelinePoint p, IntervalHistograms h) {
        err.printf(Locale.ROOT, "\r\033[K[%5.1fs / %.0fs] %10.0f req/s  p99 %9s  errors %d  remaining %.0fs",
                p.elapsedSeconds(), durationSeconds, p.rate(), Units.micros(p.p99Us()), p.errors(),
                Math.max(0, durationSeconds - p.elapsedSeconds()));
        err.flush();
        dirty = true;
    }

    /** Clears the line before the summary is printed. */
    public void finish() {
        if (dirty) {
            err.print("\r\033[K");
            err.flush();
        }
    }
}
