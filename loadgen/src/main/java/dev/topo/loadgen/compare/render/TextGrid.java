package dev.topo.loadgen.compare.render;

import java.util.ArrayList;
import java.util.List;

/**
 * Fixed-width text of a table whose columns come in groups (a scenario's metrics): one block per group, its name
 * above, the row names down the left. One wide table of every scenario was ~250 columns; a block per scenario fits a
 * 120-column console whatever the number of scenarios.
 */
final class TextGrid {

    private TextGrid() {
    }

    /**
     * @param groups column i's group (adjacent columns of a group stay together)
     * @param labels column i's header
     * @param rows   per row its name, then one text per column
     */
    static String render(List<String> groups, List<String> labels, List<List<String>> rows) {
        StringBuilder sb = new StringBuilder();
        int from = 0;
        while (from < groups.size()) {
            int to = from;
            while (to < groups.size() && groups.get(to).equals(groups.get(from))) {
                to++;
            }
            block(sb, groups.get(from), labels.subList(from, to), rows, from, to);
            from = to;
        }
        return sb.toString();
    }

    private static void block(StringBuilder sb, String group, List<String> labels, List<List<String>> rows, int from,
                              int to) {
        int[] width = new int[labels.size() + 1];
        width[0] = "topology".length();
        for (List<String> row : rows) {
            width[0] = Math.max(width[0], row.get(0).length());
        }
        for (int i = 0; i < labels.size(); i++) {
            width[i + 1] = labels.get(i).length();
            for (List<String> row : rows) {
                width[i + 1] = Math.max(width[i + 1], row.get(from + i + 1).length());
            }
        }
        sb.append("== ").append(group).append(" ==\n");
        List<String> header = new ArrayList<>();
        header.add("topology");
        header.addAll(labels);
        line(sb, header, width);
        for (List<String> row : rows) {
            List<String> cells = new ArrayList<>();
            cells.add(row.get(0));
            cells.addAll(row.subList(from + 1, to + 1));
            line(sb, cells, width);
        }
        sb.append('\n');
    }

    private static void line(StringBuilder sb, List<String> cells, int[] width) {
        StringBuilder l = new StringBuilder();
        l.append(cells.get(0)).append(" ".repeat(width[0] - cells.get(0).length()));
        for (int i = 1; i < cells.size(); i++) {
            String c = cells.get(i);
            l.append("  ").append(" ".repeat(Math.max(0, width[i] - c.length()))).append(c);
        }
        sb.append(l.toString().stripTrailing()).append('\n');
    }
}
