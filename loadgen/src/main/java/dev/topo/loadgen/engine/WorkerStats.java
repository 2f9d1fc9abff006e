package dev.topo.loadgen.engine;

import dev.topo.loadgen.stats.Histograms;
import dev.topo.loadgen.stats.SpreadCounter;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.SingleWriterRecorder;

import java.util.concurrent.atomic.AtomicLongArray;

/**
 * The recording side of one event loop thread. The loop thread is the only writer, so counters are plain
 * read-then-lazySet (no atomic read-modify-write) and recorders are {@link SingleWriterRecorder}s; the engine's
 * reporting thread reads both once a second.
 */
final class WorkerStats {

    static final int RESPONSES = 0;
    static final int BYTES_READ = 1;
    static final int BYTES_WRITTEN = 2;
    static final int CONNECTIONS_OPENED = 3;
    static final int OPEN_CONNECTIONS = 4;
    static final int BLOCKED_REQUESTS = 5;
    static final int BLOCKED_NANOS = 6;
    static final int BLOCKED_MAX_NANOS = 7;
    /** Open loop: requests the schedule sent (or opened a connection for), and how late, summed. */
    static final int SENDS_DUE = 8;
    static final int SEND_LAG_NANOS = 9;
    /**
     * Open loop, written once when the run stops: requests due in the measured window (the warm-up's backlog
     * included), and those of them still unsent at its end.
     */
    static final int SCHEDULED = 10;
    static final int DROPPED = 11;
    /** Status classes 1xx..5xx at STATUS_BASE + 1 .. STATUS_BASE + 5; anything else at STATUS_BASE. */
    static final int STATUS_BASE = 12;
    static final int ERROR_BASE = STATUS_BASE + 6;
    static final int SIZE = ERROR_BASE + ErrorKind.values().length;

    final AtomicLongArray counters = new AtomicLongArray(SIZE);
    final SingleWriterRecorder latency = Histograms.newRecorder();
    final SingleWriterRecorder uncorrected = Histograms.newRecorder();
    final SingleWriterRecorder connect = Histograms.newRecorder();
    final SingleWriterRecorder ttfb = Histograms.newRecorder();
    /** Open loop: how late each request went out after its due time; shows a client that falls behind. */
    final SingleWriterRecorder sendLag = Histograms.newRecorder();
    final SpreadCounter listeners = new SpreadCounter();
    final SpreadCounter loops = new SpreadCounter();
    /** Bumped when the warm-up ends, so connections count themselves again in the spread. */
    int generation;
    /** Open loop: latency from the actual send differs from latency from the due time, so it is recorded too. */
    private final boolean separateUncorrected;

    WorkerStats(boolean openLoop) {
        this.separateUncorrected = openLoop;
    }

    void inc(int slot) {
        counters.lazySet(slot, counters.get(slot) + 1);
    }

    void add(int slot, long delta) {
        counters.lazySet(slot, counters.get(slot) + delta);
    }

    void max(int slot, long value) {
        if (value > counters.get(slot)) {
            counters.lazySet(slot, value);
        }
    }

    void error(ErrorKind kind) {
        inc(ERROR_BASE + kind.ordinal());
    }

    void status(int status) {
        int c = status / 100;
        inc(STATUS_BASE + (c >= 1 && c <= 5 ? c : 0));
    }

    /** One response's latency: from its origin, and from its actual send. */
    void recordLatency(long fromOrigin, long fromSend) {
        record(latency, fromOrigin);
        if (separateUncorrected) {
            record(uncorrected, fromSend);
        }
    }

    /** Open loop: a due request waited {@code nanos} for a free connection or connection slot. */
    void recordBlocked(long nanos) {
        inc(BLOCKED_REQUESTS);
        add(BLOCKED_NANOS, Math.max(0, nanos));
        max(BLOCKED_MAX_NANOS, nanos);
    }

    /** Open loop: a due request went out {@code nanos} after its due time; the warm-up watches this settle. */
    void recordSendLag(long nanos) {
        inc(SENDS_DUE);
        add(SEND_LAG_NANOS, Math.max(0, nanos));
        record(sendLag, nanos);
    }

    /**
     * Open loop: a request due {@code nanos} ago was never sent. Its latency is at least that, so it goes into the
     * corrected histogram as that lower bound: leaving it out would make a client that fell behind look fast.
     */
    void recordDropped(long nanos) {
        inc(DROPPED);
        record(latency, nanos);
    }

    /**
     * A request that will get no response: one error of {@code kind}, and its latency so far (from its origin and
     * from its send), so that failures weigh in the percentiles as they weigh on a user.
     */
    void recordLost(ErrorKind kind, long fromOrigin, long fromSend) {
        error(kind);
        recordLatency(fromOrigin, fromSend);
    }

    static void record(SingleWriterRecorder r, long nanos) {
        r.recordValue(Histograms.clamp(nanos));
    }

    /** Called on the loop thread when the warm-up ends, for what is not a plain counter. */
    void resetForMeasurement() {
        listeners.reset();
        loops.reset();
        generation++;
        counters.lazySet(BLOCKED_MAX_NANOS, 0);
    }

    /** Reads one recorder's intervals on the reporting thread, recycling the previous interval histogram. */
    static final class IntervalReader {
        private final SingleWriterRecorder recorder;
        private Histogram last;

        IntervalReader(SingleWriterRecorder recorder) {
            this.recorder = recorder;
        }

        Histogram next() {
            last = recorder.getIntervalHistogram(last);
            return last;
        }
    }
}
