package dev.topo.loadgen.engine;

import java.util.List;

/**
 * What the warm-up of a run did: part of the result ({@code warmup} in {@code topo-loadgen/1}).
 *
 * @param mode           {@code auto}, {@code fixed} or {@code none}
 * @param seconds        how long the warm-up took (all of it discarded)
 * @param steady         the last two windows agreed (auto: why it ended, unless the ceiling came first; fixed:
 *                       whether the fixed length was enough)
 * @param ceilingReached auto only: it ended at the ceiling, before two windows agreed; the measurement may still
 *                       include a client or server that is warming up
 * @param ceilingSeconds auto only: the ceiling; 0 otherwise
 * @param windows        the warm-up's windows, in order
 */
public record WarmupReport(String mode, double seconds, boolean steady, boolean ceilingReached,
                           double ceilingSeconds, List<WarmupWindow> windows) {

    public static final WarmupReport NONE = new WarmupReport("none", 0, false, false, 0, List.of());

    public WarmupReport {
        windows = List.copyOf(windows);
    }
}
