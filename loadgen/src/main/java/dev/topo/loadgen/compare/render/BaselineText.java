package dev.topo.loadgen.compare.render;

import dev.topo.loadgen.compare.Baseline;

import java.util.List;
import java.util.Locale;

/** The change against the baseline as console text: one line per configuration × scenario. */
public final class BaselineText {

    private BaselineText() {
    }

    public static String render(List<Baseline.Change> changes) {
        return render(changes, List.of());
    }

    /** With the {@code mismatches} first, loud: a change measured on another machine is not the change's. */
    public static String render(List<Baseline.Change> changes, List<String> mismatches) {
        StringBuilder sb = new StringBuilder();
        if (!mismatches.isEmpty()) {
            sb.append("WARNING: the baseline ran elsewhere or otherwise; its changes are not the code's alone:\n");
            mismatches.forEach(m -> sb.append("  ").append(m).append('\n'));
        }
        sb.append("change against the baseline (new vs old):\n");
        if (changes.isEmpty()) {
            return sb.append("  no configuration x scenario in common\n").toString();
        }
        for (Baseline.Change c : changes) {
            sb.append(String.format(Locale.ROOT, "  %-28s %-10s req/s %10.0f -> %10.0f (%+6.1f%%)   "
                            + "p99 %9s -> %9s (%+6.1f%%)%n", c.config(), c.scenario(), c.oldRate(), c.newRate(),
                    c.ratePercent(), Table.micros(c.oldP99()), Table.micros(c.newP99()), c.p99Percent()));
        }
        return sb.toString();
    }
}
