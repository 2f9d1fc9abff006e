package dev.topo.server.cli;

import dev.topo.config.TopologyKind;
import java.util.Arrays;
import java.util.ListResourceBundle;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Collectors;

/**
 * The help texts of {@code topo server}'s topology overrides, written from {@link TopologyKind} so that a new kind
 * shows up in {@code --help} without anyone editing it (picocli reads option descriptions from this bundle).
 */
public final class OverrideHelp extends ListResourceBundle {

    @Override
    protected Object[][] getContents() {
        String kinds = Arrays.stream(TopologyKind.values()).map(TopologyKind::yamlName)
                .collect(Collectors.joining(", "));
        return new Object[][] {
            {"topology", "Override topology.kind (" + kinds + "). Parameters of the file's kind that the new kind "
                    + "does not use are dropped."},
            {"listeners", "Override topology.listeners (" + kindsUsing("listeners") + ")."},
            {"workers", "Override the kind's worker loops or threads: " + workersKeys() + "."},
            {"processes", "Override topology.processes (" + kindsUsing("processes") + ")."},
        };
    }

    private static String kindsUsing(String key) {
        return Arrays.stream(TopologyKind.values()).filter(k -> k.uses(key)).map(TopologyKind::yamlName)
                .collect(Collectors.joining(", "));
    }

    /** {@code workers (single-acceptor, ...), loops (shared-listener), ...}: only the kinds that have the key. */
    private static String workersKeys() {
        Map<String, TreeSet<String>> byKey = new TreeMap<>();
        for (TopologyKind kind : TopologyKind.values()) {
            if (kind.uses(kind.workersKey())) {
                byKey.computeIfAbsent(kind.workersKey(), k -> new TreeSet<>()).add(kind.yamlName());
            }
        }
        return byKey.entrySet().stream().map(e -> "topology." + e.getKey() + " (" + String.join(", ", e.getValue())
                + ")").collect(Collectors.joining(", "));
    }
}
