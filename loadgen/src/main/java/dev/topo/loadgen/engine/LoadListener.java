package dev.topo.loadgen.engine;

/**
 * How the engine reports while it runs. Called on the engine's reporting thread, never on an event loop, so a
 * slow listener delays the next report but not the load.
 */
public interface LoadListener {

    LoadListener NONE = new LoadListener() {
    };

    /** Connections are being opened; {@code transport} is "epoll", "io_uring" or "nio". */
    default void onStart(LoadSpec spec, String transport) {
    }

    /** One window of the warm-up has ended; {@code window} is what the warm-up judges (and then discards). */
    default void onWarmupWindow(WarmupWindow window) {
    }

    /** The warm-up is over; what was recorded so far has been discarded. */
    default void onWarmupEnd() {
    }

    /** One measured interval; {@code histograms} are only valid during the call. */
    default void onInterval(TimelinePoint point, IntervalHistograms histograms) {
    }

    /**
     * After the window: what the drain recorded (responses to the window's requests, requests lost at the end,
     * open-loop requests never sent). Not a timeline point, since it is not a second of the offered load, but part
     * of the totals; {@code histograms} are only valid during the call.
     */
    default void onDrain(IntervalHistograms histograms) {
    }
}
