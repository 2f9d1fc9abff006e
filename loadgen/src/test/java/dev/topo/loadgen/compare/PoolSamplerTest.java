package dev.topo.loadgen.compare;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The pool sampler on a fake scrape source: what it records, at what pace, and that it stops. */
@Timeout(value = 10, unit = TimeUnit.SECONDS)
class PoolSamplerTest {

    @Test
    void recordsThePoolSizeEachPeriodInOrderAndStopsOnClose() throws InterruptedException {
        AtomicInteger calls = new AtomicInteger();
        // The pool grows 1, 2, 3 and stays there; the third scrape fails (an empty map), which is a gap.
        PoolSampler sampler = PoolSampler.start(() -> {
            int n = calls.incrementAndGet();
            return n == 3 ? Map.of() : Map.of("topo_pool_workers", (double) Math.min(n, 3));
        }, 50);
        Thread.sleep(520);
        sampler.close();
        int callsAtClose = calls.get();
        List<Results.PoolSample> samples = sampler.samples();
        // About one scrape per 50 ms over 520 ms (a first one at once): 11, with slack for a loaded machine.
        assertTrue(callsAtClose >= 6 && callsAtClose <= 12, callsAtClose + " scrapes");
        assertEquals(callsAtClose - 1, samples.size(), "every scrape but the failed one: " + samples);
        assertEquals(1, samples.get(0).workers());
        assertEquals(2, samples.get(1).workers());
        assertEquals(3, samples.get(2).workers());
        assertEquals(3, samples.get(samples.size() - 1).workers());
        for (int i = 1; i < samples.size(); i++) {
            assertTrue(samples.get(i).secondsIn() >= samples.get(i - 1).secondsIn(), "in time order: " + samples);
        }
        assertTrue(samples.get(samples.size() - 1).secondsIn() <= 0.6, samples.toString());
        Thread.sleep(150);
        assertEquals(callsAtClose, calls.get(), "no scrape after close");
    }

    @Test
    void aServerWithoutAPoolYieldsNoSamples() throws InterruptedException {
        PoolSampler sampler = PoolSampler.start(() -> Map.of("topo_requests_served_total", 5.0), 20);
        Thread.sleep(100);
        sampler.close();
        assertFalse(sampler.samples().stream().findAny().isPresent());
    }
}
