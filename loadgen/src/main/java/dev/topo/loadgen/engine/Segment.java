package dev.topo.loadgen.engine;

/**
 * Part {@code index} of {@code count} of one test, for a test run from several processes or machines at once: the
 * spec keeps the whole test's figures (rate, connections, connect rate) and each part runs its share of them.
 *
 * <p>The open loop is split by request, not by time or by rate: part {@code I} takes the global requests
 * {@code i ≡ I (mod N)} of the one schedule, each at the same due time as in a single run, so the union of the
 * parts is exactly the single run's schedule (no request twice, none missing) and the parts interleave evenly
 * instead of bunching. Within a part its threads split its requests the same way again (see {@link #slot}).
 *
 * @param index 0-based part number
 * @param count number of parts, at least 1
 */
public record Segment(int index, int count) {

    /** The whole test: one part. */
    public static final Segment WHOLE = new Segment(0, 1);

    public Segment {
        if (count < 1 || index < 0 || index >= count) {
            throw new InvalidValueException("segment", InvalidValueException.quoted(index + "/" + count),
                    "I/N with N >= 1 and 0 <= I < N, as 0/3");
        }
    }

    /** Parses {@code I/N}, as {@code 0/3}. */
    public static Segment parse(String text) {
        String t = text == null ? "" : text.trim();
        int slash = t.indexOf('/');
        try {
            if (slash > 0) {
                return new Segment(Integer.parseInt(t.substring(0, slash).trim()),
                        Integer.parseInt(t.substring(slash + 1).trim()));
            }
        } catch (NumberFormatException e) {
            // reported below, with the same message as a missing slash
        }
        throw new InvalidValueException("segment", InvalidValueException.quoted(text),
                "I/N with N >= 1 and 0 <= I < N, as 0/3");
    }

    public boolean isWhole() {
        return count == 1;
    }

    /**
     * This part's share of a whole count (connections): the remainder goes to the first parts, so that the shares
     * add up to the total.
     */
    public int share(int total) {
        return total / count + (index < total % count ? 1 : 0);
    }

    /** This part's share of a rate (requests or connections per second). */
    public double share(double perSecond) {
        return perSecond / count;
    }

    /**
     * The open-loop slot of this part's thread {@code thread}: the schedule's thread {@code k} of {@code n} sends
     * global requests {@code k, k + n, ...}, so thread {@code t} of part {@code I} is slot {@code I + N * t} of
     * {@link #slots N * threads}: it sends {@code I + N * (t + threads * j)}, every request of the part once.
     */
    public int slot(int thread) {
        return index + count * thread;
    }

    /** The number of open-loop slots over all parts, when each part runs {@code threads} threads. */
    public int slots(int threads) {
        return count * threads;
    }

    /** {@code I/N}, as the option takes it. */
    public String label() {
        return index + "/" + count;
    }
}
