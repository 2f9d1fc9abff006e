package dev.topo.loadgen.compare.render;

import java.util.List;
import java.util.Map;

/** The verdicts as console text: a line per sentence, under its scenario. */
public final class VerdictText {

    private VerdictText() {
    }

    public static String render(Map<String, List<String>> verdicts) {
        StringBuilder sb = new StringBuilder("== verdicts ==\n");
        verdicts.forEach((scenario, lines) -> lines.forEach(l -> sb.append(scenario).append(": ").append(l)
                .append('\n')));
        return sb.toString();
    }
}
