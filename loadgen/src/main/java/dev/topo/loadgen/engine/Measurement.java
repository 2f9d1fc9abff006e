package dev.topo.loadgen.engine;

import dev.topo.loadgen.stats.Histograms;
import dev.topo.loadgen.stats.LatencyStats;
import dev.topo.loadgen.stats.Spread;
import dev.topo.loadgen.stats.SpreadCounter;
import dev.topo.loadgen.stats.SpreadTable;
import com.sun.management.OperatingSystemMXBean;
import io.netty.util.concurrent.Future;
import org.HdrHistogram.Histogram;

import java.lang.management.CompilationMXBean;
import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The reporting side of one run, on the thread that called the engine: it sleeps, and once a second merges the
 * per-thread interval histograms and counters, first into the warm-up's windows (judged by {@link WarmupDetector},
 * then discarded), then into the measurement's {@link TimelinePoint}s and totals. The event loops only record.
 */
final class Measurement {

    private static final long SECOND = TimeUnit.SECONDS.toNanos(1);
    /** In-flight requests at the end get this long to complete, so the counts match the server's. */
    private static final long MAX_DRAIN_NANOS = TimeUnit.SECONDS.toNanos(2);

    private final LoadSpec spec;
    private final LoadListener listener;
    private final List<Worker> workers;
    private final String transport;
    private final List<WorkerStats.IntervalReader[]> readers = new ArrayList<>();
    /** Latency (corrected in open loop), uncorrected, connect, time to first byte, send lag. */
    private static final int HISTOGRAMS = 5;
    private final Histogram[] interval = new Histogram[HISTOGRAMS];
    private final Histogram[] total = new Histogram[HISTOGRAMS];
    private final List<TimelinePoint> timeline = new ArrayList<>();
    private long[] baseline = new long[WorkerStats.SIZE];
    private long[] previous = new long[WorkerStats.SIZE];
    private long openSamples;
    private long openMax;
    private long lastTickEpochMs;

    Measurement(LoadSpec spec, LoadListener listener, List<Worker> workers, String transport) {
        this.spec = spec;
        this.listener = listener;
        this.workers = workers;
        this.transport = transport;
        for (Worker w : workers) {
            readers.add(new WorkerStats.IntervalReader[]{
                    new WorkerStats.IntervalReader(w.stats.latency),
                    new WorkerStats.IntervalReader(w.stats.uncorrected),
                    new WorkerStats.IntervalReader(w.stats.connect),
                    new WorkerStats.IntervalReader(w.stats.ttfb),
                    new WorkerStats.IntervalReader(w.stats.sendLag)});
        }
        for (int k = 0; k < HISTOGRAMS; k++) {
            interval[k] = Histograms.newHistogram();
            total[k] = Histograms.newHistogram();
        }
    }

    /** Runs from {@code startAtEpochMs} on the wall clock, or at once when it is 0 or has passed. */
    LoadResult execute(long startAtEpochMs) throws InterruptedException {
        if (startAtEpochMs > 0) {
            sleepUntil(System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(startAtEpochMs - System.currentTimeMillis()));
        }
        long start = System.nanoTime();
        lastTickEpochMs = System.currentTimeMillis();
        boolean noWarmup = spec.warmup().isNone();
        for (Worker w : workers) {
            w.loop.execute(() -> {
                // Before the start: a per-request open loop sends its first request as it starts, and that request
                // is one of the window's.
                if (noWarmup) {
                    w.beginMeasurement(start + spec.duration().toNanos());
                }
                w.start(start);
            });
        }
        listener.onStart(spec, transport);
        WarmupDetector detector = new WarmupDetector(spec.warmup(), spec.segmentRate());
        long measureStart = noWarmup ? start : warmUp(start, detector);
        long end = measureStart + spec.duration().toNanos();
        int second = 0;
        long lastTick = measureStart;
        for (long tick = measureStart + SECOND; tick < end; tick += SECOND) {
            sleepUntil(tick);
            second++;
            emit(second, (tick - measureStart) / 1e9, (tick - lastTick) / 1e9, null);
            lastTick = tick;
        }
        sleepUntil(end);
        // The window ends here: its last point and its rate count what completed in it. Sampled before the drain
        // closes everything, so the last point shows the load, not the teardown.
        long[] atEnd = sumCounters();
        emit(second + 1, (end - measureStart) / 1e9, (end - lastTick) / 1e9, atEnd);
        drain(end);
        long finished = System.nanoTime();
        // The drain's responses (to requests of the window) and its failures still go into the totals.
        collectInterval();
        long drainEndMs = System.currentTimeMillis();
        listener.onDrain(new IntervalHistograms(lastTickEpochMs, drainEndMs, interval[0],
                spec.openLoop() ? interval[1] : interval[0], interval[2], interval[3]));
        Spread spread = spread();
        Summary summary = summarize((end - measureStart) / 1e9, atEnd[WorkerStats.RESPONSES] - baseline[
                WorkerStats.RESPONSES], (finished - end) / 1e9);
        Histogram uncorrected = spec.openLoop() ? total[1] : total[0];
        return new LoadResult(spec, transport, detector.report(), summary, timeline, spread,
                new LoadResult.Totals(total[0], uncorrected, total[2], total[3]));
    }

    /**
     * Runs the load in windows of a second (the last one of a fixed warm-up may be shorter) until the detector says
     * the warm-up is over, then discards what was recorded; returns when the measurement starts.
     */
    private long warmUp(long start, WarmupDetector detector) throws InterruptedException {
        long limit = start + Math.round(detector.limitSeconds() * 1e9);
        long windowStart = start;
        long[] before = new long[WorkerStats.SIZE];
        long jitBefore = jitMillis();
        long cpuBefore = cpuMillis();
        for (int second = 1; ; second++) {
            long tick = Math.min(windowStart + SECOND, limit);
            sleepUntil(tick);
            long[] now = sumCounters();
            Histogram latency = interval[0];
            latency.reset();
            for (WorkerStats.IntervalReader[] r : readers) {
                latency.add(r[0].next());
            }
            long requests = now[WorkerStats.RESPONSES] - before[WorkerStats.RESPONSES];
            long sends = now[WorkerStats.SENDS_DUE] - before[WorkerStats.SENDS_DUE];
            double lagNanos = sends == 0 ? 0
                    : (double) (now[WorkerStats.SEND_LAG_NANOS] - before[WorkerStats.SEND_LAG_NANOS]) / sends;
            double seconds = (tick - windowStart) / 1e9;
            long jit = jitMillis();
            long cpu = cpuMillis();
            WarmupWindow window = new WarmupWindow(second, round3((tick - start) / 1e9), round3(seconds), requests,
                    round3(requests / seconds), latency.getTotalCount() == 0 ? 0 : us(latency.getMean()),
                    us(lagNanos), jit - jitBefore, cpu - cpuBefore);
            jitBefore = jit;
            cpuBefore = cpu;
            boolean over = detector.offer(window);
            listener.onWarmupWindow(window);
            if (over) {
                resetForMeasurement(tick + spec.duration().toNanos());
                return tick;
            }
            before = now;
            windowStart = tick;
        }
    }

    private void resetForMeasurement(long end) throws InterruptedException {
        long[] sum = new long[WorkerStats.SIZE];
        for (int k = 0; k < workers.size(); k++) {
            Worker w = workers.get(k);
            WorkerStats.IntervalReader[] r = readers.get(k);
            // On the loop thread, between two events: the counters, histograms and spread of this thread all
            // switch to the measurement at the same point, so they agree exactly.
            long[] counters = await(w.loop.submit(() -> {
                w.stats.resetForMeasurement();
                w.beginMeasurement(end);
                for (WorkerStats.IntervalReader reader : r) {
                    reader.next();
                }
                long[] c = new long[WorkerStats.SIZE];
                for (int i = 0; i < WorkerStats.SIZE; i++) {
                    c[i] = w.stats.counters.get(i);
                }
                return c;
            }));
            for (int i = 0; i < WorkerStats.SIZE; i++) {
                sum[i] += counters[i];
            }
        }
        baseline = sum;
        previous = baseline.clone();
        lastTickEpochMs = System.currentTimeMillis();
        listener.onWarmupEnd();
    }

    private void drain(long end) throws InterruptedException {
        List<Future<Void>> drained = new ArrayList<>();
        for (Worker w : workers) {
            drained.add(await(w.loop.submit(() -> w.stop(end))));
        }
        long deadline = System.nanoTime() + Math.min(MAX_DRAIN_NANOS, spec.timeout().toNanos());
        for (Future<Void> f : drained) {
            long left = deadline - System.nanoTime();
            if (left <= 0 || !f.await(left, TimeUnit.NANOSECONDS)) {
                break;
            }
        }
        for (Worker w : workers) {
            await(w.loop.submit(w::forceStop));
        }
    }

    /**
     * {@code counters}, when given, are the ones the point reports (the window's end, read before the drain closes
     * the connections), so that the timeline and the summary's window agree exactly; null reads them now.
     */
    /** Merges the threads' histograms since the last call into {@link #interval} and adds them to the totals. */
    private void collectInterval() {
        for (int k = 0; k < HISTOGRAMS; k++) {
            interval[k].reset();
            for (WorkerStats.IntervalReader[] r : readers) {
                interval[k].add(r[k].next());
            }
            total[k].add(interval[k]);
        }
    }

    private void emit(int second, double elapsed, double intervalSeconds, long[] counters) {
        collectInterval();
        long[] now = counters != null ? counters : sumCounters();
        long requests = now[WorkerStats.RESPONSES] - previous[WorkerStats.RESPONSES];
        long errors = 0;
        for (int e = WorkerStats.ERROR_BASE; e < WorkerStats.SIZE; e++) {
            errors += now[e] - previous[e];
        }
        long open = now[WorkerStats.OPEN_CONNECTIONS];
        openSamples += open;
        openMax = Math.max(openMax, open);
        Histogram lat = interval[0];
        Histogram unc = spec.openLoop() ? interval[1] : interval[0];
        TimelinePoint point = new TimelinePoint(second, round3(elapsed), round3(intervalSeconds), requests,
                round3(intervalSeconds > 0 ? requests / intervalSeconds : 0), errors,
                now[WorkerStats.BYTES_READ] - previous[WorkerStats.BYTES_READ], open,
                now[WorkerStats.CONNECTIONS_OPENED] - previous[WorkerStats.CONNECTIONS_OPENED],
                us(lat.getValueAtPercentile(50)), us(lat.getValueAtPercentile(99)), us(lat.getMaxValue()),
                us(unc.getValueAtPercentile(99)));
        timeline.add(point);
        previous = now;
        long nowMs = System.currentTimeMillis();
        listener.onInterval(point, new IntervalHistograms(lastTickEpochMs, nowMs, lat, unc, interval[2],
                interval[3]));
        lastTickEpochMs = nowMs;
    }

    /**
     * {@code seconds} is the measured window, {@code windowResponses} the responses completed in it: the rate. The
     * drain's responses count in the totals and are reported apart.
     */
    private Summary summarize(double seconds, long windowResponses, double drainSeconds) {
        long[] c = sumCounters();
        for (int i = 0; i < c.length; i++) {
            if (i != WorkerStats.OPEN_CONNECTIONS && i != WorkerStats.BLOCKED_MAX_NANOS) {
                c[i] -= baseline[i];
            }
        }
        long requests = c[WorkerStats.RESPONSES];
        Map<String, Long> statuses = new LinkedHashMap<>();
        for (int s = 1; s <= 5; s++) {
            statuses.put(s + "xx", c[WorkerStats.STATUS_BASE + s]);
        }
        statuses.put("other", c[WorkerStats.STATUS_BASE]);
        Map<String, Long> errors = new LinkedHashMap<>();
        long errorsTotal = 0;
        for (ErrorKind kind : ErrorKind.values()) {
            long n = c[WorkerStats.ERROR_BASE + kind.ordinal()];
            errors.put(kind.label(), n);
            errorsTotal += n;
        }
        // A bad status is a response and an error; the other kinds are errors without a response.
        long attempts = requests + errorsTotal - errors.get(ErrorKind.BAD_STATUS.label());
        double errorRate = attempts == 0 ? (errorsTotal > 0 ? 1 : 0) : (double) errorsTotal / attempts;
        long blocked = c[WorkerStats.BLOCKED_REQUESTS];
        LatencyStats latency = LatencyStats.of(total[0]);
        return new Summary(round3(seconds), requests, spec.segmentRate(),
                round3(seconds > 0 ? windowResponses / seconds : 0),
                c[WorkerStats.BYTES_READ], c[WorkerStats.BYTES_WRITTEN], latency,
                spec.openLoop() ? LatencyStats.of(total[1]) : latency, LatencyStats.of(total[2]),
                LatencyStats.of(total[3]), c[WorkerStats.CONNECTIONS_OPENED], openMax,
                timeline.isEmpty() ? 0 : round3((double) openSamples / timeline.size()), statuses, errors,
                errorsTotal, errorRate, blocked,
                blocked == 0 ? 0 : us((double) c[WorkerStats.BLOCKED_NANOS] / blocked),
                us(c[WorkerStats.BLOCKED_MAX_NANOS]), requests - windowResponses, round3(drainSeconds),
                // Sent, of the requests the window scheduled: counting sends instead would take in the few a loop
                // sent between the start of the window and its worker's reading of the schedule.
                c[WorkerStats.SCHEDULED], c[WorkerStats.SCHEDULED] - c[WorkerStats.DROPPED], c[WorkerStats.DROPPED],
                spec.openLoop() ? LatencyStats.of(total[4]) : LatencyStats.EMPTY);
    }

    private Spread spread() throws InterruptedException {
        List<List<SpreadCounter.Count>> listeners = new ArrayList<>();
        List<List<SpreadCounter.Count>> loops = new ArrayList<>();
        for (Worker w : workers) {
            // Read on the loop thread that owns the counters; the future publishes the copies.
            listeners.add(await(w.loop.submit(w.stats.listeners::snapshot)));
            loops.add(await(w.loop.submit(w.stats.loops::snapshot)));
        }
        return new Spread(SpreadTable.merge("X-Topo-Listener", listeners), SpreadTable.merge("X-Topo-Loop", loops));
    }

    private long[] sumCounters() {
        long[] sum = new long[WorkerStats.SIZE];
        for (Worker w : workers) {
            for (int i = 0; i < WorkerStats.SIZE; i++) {
                sum[i] += w.stats.counters.get(i);
            }
        }
        return sum;
    }

    /** Milliseconds this JVM's JIT compilers have spent so far; 0 where the JVM does not say. */
    private static long jitMillis() {
        CompilationMXBean jit = ManagementFactory.getCompilationMXBean();
        return jit != null && jit.isCompilationTimeMonitoringSupported() ? jit.getTotalCompilationTime() : 0;
    }

    /** Milliseconds of CPU this process has used so far; 0 where the JVM does not say. */
    private static long cpuMillis() {
        return ManagementFactory.getOperatingSystemMXBean() instanceof OperatingSystemMXBean os
                ? Math.max(0, os.getProcessCpuTime() / 1_000_000) : 0;
    }

    private static <T> T await(Future<T> f) throws InterruptedException {
        try {
            return f.get(10, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            throw new IllegalStateException("event loop task failed", e.getCause());
        } catch (TimeoutException e) {
            throw new IllegalStateException("event loop did not answer within 10 s");
        }
    }

    private static void sleepUntil(long deadline) throws InterruptedException {
        long left;
        while ((left = deadline - System.nanoTime()) > 0) {
            TimeUnit.NANOSECONDS.sleep(left);
        }
    }

    private static double us(double nanos) {
        return Math.round(nanos) / 1000.0;
    }

    private static double round3(double v) {
        return Math.round(v * 1000) / 1000.0;
    }
}
