package dev.topo.loadgen.report;

import dev.topo.loadgen.engine.IntervalHistograms;
import dev.topo.loadgen.engine.LoadListener;
import dev.topo.loadgen.engine.LoadSpec;
import dev.topo.loadgen.engine.TimelinePoint;

import java.util.List;

/** Forwards every event to several listeners, in order. */
public final class CompositeListener implements LoadListener {

    private final List<LoadListener> listeners;

    public CompositeListener(List<LoadListener> listeners) {
        this.listeners = List.copyOf(listeners);
    }

    @Override
    public void onStart(LoadSpec spec, String transport) {
        listeners.forEach(l -> l.onStart(spec, transport));
    }

    @Override
    public void onWarmupEnd() {
        listeners.forEach(LoadListener::onWarmupEnd);
    }

    @Override
    public void onInterval(TimelinePoint point, IntervalHistograms histograms) {
        listeners.forEach(l -> l.onInterval(point, histograms));
    }

    @Override
    public void onDrain(IntervalHistograms histograms) {
        listeners.forEach(l -> l.onDrain(histograms));
    }
}
