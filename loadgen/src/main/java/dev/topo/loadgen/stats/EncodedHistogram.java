package dev.topo.loadgen.stats;

import org.HdrHistogram.Histogram;

import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.Base64;
import java.util.zip.DataFormatException;

/**
 * A histogram as text for a JSON file: HdrHistogram's own compressed encoding in base64, the form of its interval
 * logs. A percentile kept as a number cannot be merged with another run's or read at another percentile; the
 * encoded histogram can, at a few kilobytes per histogram.
 */
public final class EncodedHistogram {

    private EncodedHistogram() {
    }

    /** Null for a null or empty histogram: nothing to keep. */
    public static String encode(Histogram h) {
        if (h == null || h.getTotalCount() == 0) {
            return null;
        }
        ByteBuffer buf = ByteBuffer.allocate(h.getNeededByteBufferCapacity());
        int length = h.encodeIntoCompressedByteBuffer(buf);
        return Base64.getEncoder().encodeToString(Arrays.copyOf(buf.array(), length));
    }

    /** The histogram {@link #encode} wrote; an {@link IllegalArgumentException} for text that is not one. */
    public static Histogram decode(String base64) {
        try {
            return Histogram.decodeFromCompressedByteBuffer(ByteBuffer.wrap(Base64.getDecoder().decode(base64)), 0);
        } catch (DataFormatException | RuntimeException e) {
            throw new IllegalArgumentException("not an encoded histogram: " + e.getMessage(), e);
        }
    }
}
