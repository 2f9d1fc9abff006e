package dev.topo.loadgen.stats;

import org.HdrHistogram.Histogram;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class EncodedHistogramTest {

    @Test
    void decodedHistogramGivesTheSamePercentilesAndMerges() {
        Histogram h = Histograms.newHistogram();
        for (long v = 1; v <= 10_000; v++) {
            h.recordValue(v * 1000);
        }
        String text = EncodedHistogram.encode(h);
        assertTrue(text.length() < 20_000, "encoded length " + text.length());
        Histogram back = EncodedHistogram.decode(text);
        assertEquals(h.getTotalCount(), back.getTotalCount());
        for (double p : new double[]{50, 99, 99.9, 100}) {
            assertEquals(h.getValueAtPercentile(p), back.getValueAtPercentile(p), "p" + p);
        }
        // Two runs merged: what a number per percentile could not do.
        Histogram merged = Histograms.newHistogram();
        merged.add(back);
        merged.add(EncodedHistogram.decode(text));
        assertEquals(20_000, merged.getTotalCount());
        assertEquals(h.getValueAtPercentile(99), merged.getValueAtPercentile(99));
    }

    @Test
    void emptyIsNullAndGarbageIsRefused() {
        assertNull(EncodedHistogram.encode(Histograms.newHistogram()));
        assertNull(EncodedHistogram.encode(null));
        assertThrows(IllegalArgumentException.class, () -> EncodedHistogram.decode("bm90IGEgaGlzdG9ncmFt"));
    }
}
