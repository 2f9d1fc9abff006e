package dev.topo.loadgen.stats;

import io.netty.buffer.ByteBuf;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Counts responses and connections per header value (listener index, event loop name) for one thread. Only the
 * owning thread may call it. A lookup compares the raw header bytes against the few known values, so counting a
 * response allocates nothing; connections cache their cell because a keep-alive connection never changes loop.
 */
public final class SpreadCounter {

    /** Counts for one header value. */
    public static final class Cell {
        private final byte[] bytes;
        private final String value;
        private long responses;
        private long connections;

        private Cell(byte[] bytes) {
            this.bytes = bytes;
            this.value = new String(bytes, StandardCharsets.ISO_8859_1);
        }

        public boolean matches(ByteBuf buf, int index, int length) {
            if (length != bytes.length) {
                return false;
            }
            for (int i = 0; i < length; i++) {
                if (buf.getByte(index + i) != bytes[i]) {
                    return false;
                }
            }
            return true;
        }

        public void countResponse() {
            responses++;
        }

        public void countConnection() {
            connections++;
        }
    }

    /** Immutable copy of one cell. */
    public record Count(String value, long responses, long connections) {
    }

    private final List<Cell> cells = new ArrayList<>();

    /** The cell for this header value, created on first sight. */
    public Cell cell(ByteBuf buf, int index, int length) {
        for (int i = 0; i < cells.size(); i++) {
            Cell c = cells.get(i);
            if (c.matches(buf, index, length)) {
                return c;
            }
        }
        byte[] bytes = new byte[length];
        buf.getBytes(index, bytes);
        Cell c = new Cell(bytes);
        cells.add(c);
        return c;
    }

    /** Zeroes the counts in place: connections keep their cached cells. */
    public void reset() {
        for (Cell c : cells) {
            c.responses = 0;
            c.connections = 0;
        }
    }

    public List<Count> snapshot() {
        List<Count> out = new ArrayList<>(cells.size());
        for (Cell c : cells) {
            if (c.responses > 0 || c.connections > 0) {
                out.add(new Count(c.value, c.responses, c.connections));
            }
        }
        return out;
    }
}
