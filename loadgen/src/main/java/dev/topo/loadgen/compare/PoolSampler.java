package dev.topo.loadgen.compare;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * Samples the dynamic pool's size ({@code topo_pool_workers}) at a fixed period while a scenario runs: the start and
 * end scrapes alone would hide a pool that grew under load and shrank again. The thread lives from {@link #start} to
 * {@link #close}, so it never outlives the run it measures.
 */
final class PoolSampler implements AutoCloseable {

    private final Supplier<Map<String, Double>> scrape;
    private final long periodMillis;
    private final List<Results.PoolSample> samples = new ArrayList<>();
    private final Thread thread;
    private final long startNanos = System.nanoTime();

    private PoolSampler(Supplier<Map<String, Double>> scrape, long periodMillis) {
        this.scrape = scrape;
        this.periodMillis = periodMillis;
        this.thread = new Thread(this::loop, "topo-pool-sampler");
        thread.setDaemon(true);
    }

    /** Starts sampling now (a first sample at once), every {@code periodMillis} after that. */
    static PoolSampler start(Supplier<Map<String, Double>> scrape, long periodMillis) {
        PoolSampler s = new PoolSampler(scrape, periodMillis);
        s.thread.start();
        return s;
    }

    private void loop() {
        long next = System.nanoTime();
        while (!Thread.currentThread().isInterrupted()) {
            sampleOnce();
            next += periodMillis * 1_000_000L;
            long wait = next - System.nanoTime();
            if (wait > 0) {
                try {
                    Thread.sleep(wait / 1_000_000L, (int) (wait % 1_000_000L));
                } catch (InterruptedException e) {
                    return;
                }
            }
        }
    }

    private void sampleOnce() {
        int workers = ServerFigures.poolWorkers(scrape.get());
        // A failed scrape (empty map) is a gap, not a pool of 0 workers.
        if (workers >= 0) {
            double at = (System.nanoTime() - startNanos) / 1e9;
            synchronized (samples) {
                samples.add(new Results.PoolSample(Math.round(at * 10) / 10.0, workers));
            }
        }
    }

    /** Stops the thread and waits for it (a scrape in progress finishes first). */
    @Override
    public void close() throws InterruptedException {
        thread.interrupt();
        thread.join();
    }

    /** The samples so far, in time order. */
    List<Results.PoolSample> samples() {
        synchronized (samples) {
            return List.copyOf(samples);
        }
    }
}
