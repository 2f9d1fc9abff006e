package dev.topo.loadgen.stats;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Responses and connections per value of one server header, merged over all client threads.
 *
 * @param header      the header name
 * @param entries     one row per value seen, sorted by value (numerically when the values are numbers)
 * @param responses   spread of the response counts
 * @param connections spread of the connection counts
 */
public record SpreadTable(String header, List<SpreadCounter.Count> entries, Distribution responses,
                          Distribution connections) {

    public SpreadTable {
        entries = List.copyOf(entries);
    }

    public static SpreadTable merge(String header, Collection<List<SpreadCounter.Count>> perThread) {
        Map<String, long[]> sums = new TreeMap<>(SpreadTable::compareValues);
        for (List<SpreadCounter.Count> counts : perThread) {
            for (SpreadCounter.Count c : counts) {
                long[] s = sums.computeIfAbsent(c.value(), k -> new long[2]);
                s[0] += c.responses();
                s[1] += c.connections();
            }
        }
        List<SpreadCounter.Count> entries = new ArrayList<>(sums.size());
        long[] responses = new long[sums.size()];
        long[] connections = new long[sums.size()];
        int i = 0;
        for (Map.Entry<String, long[]> e : sums.entrySet()) {
            entries.add(new SpreadCounter.Count(e.getKey(), e.getValue()[0], e.getValue()[1]));
            responses[i] = e.getValue()[0];
            connections[i] = e.getValue()[1];
            i++;
        }
        return new SpreadTable(header, entries, Distribution.of(responses), Distribution.of(connections));
    }

    /** Orders "topo-worker-0-10" after "topo-worker-0-9" by comparing digit runs as numbers. */
    static int compareValues(String a, String b) {
        int i = 0;
        int j = 0;
        while (i < a.length() && j < b.length()) {
            char ca = a.charAt(i);
            char cb = b.charAt(j);
            if (Character.isDigit(ca) && Character.isDigit(cb)) {
                int si = i;
                int sj = j;
                while (i < a.length() && Character.isDigit(a.charAt(i))) {
                    i++;
                }
                while (j < b.length() && Character.isDigit(b.charAt(j))) {
                    j++;
                }
                String na = a.substring(si, i).replaceFirst("^0+(?=.)", "");
                String nb = b.substring(sj, j).replaceFirst("^0+(?=.)", "");
                int c = na.length() != nb.length() ? Integer.compare(na.length(), nb.length()) : na.compareTo(nb);
                if (c != 0) {
                    return c;
                }
            } else {
                if (ca != cb) {
                    return Character.compare(ca, cb);
                }
                i++;
                j++;
            }
        }
        int c = Integer.compare(a.length() - i, b.length() - j);
        return c != 0 ? c : a.compareTo(b);
    }
}
