package dev.topo.loadgen.report;

import java.util.Locale;

/** Human formatting in the style of wrk. */
final class Units {

    private Units() {
    }

    static String micros(double us) {
        if (us < 1000) {
            return String.format(Locale.ROOT, "%.2fus", us);
        }
        if (us < 1_000_000) {
            return String.format(Locale.ROOT, "%.2fms", us / 1000);
        }
        return String.format(Locale.ROOT, "%.2fs", us / 1_000_000);
    }

    static String bytes(double b) {
        String[] units = {"B", "KB", "MB", "GB", "TB"};
        int u = 0;
        while (b >= 1024 && u < units.length - 1) {
            b /= 1024;
            u++;
        }
        return String.format(Locale.ROOT, u == 0 ? "%.0f%s" : "%.2f%s", b, units[u]);
    }

    /** A rate in three or four figures: 950, 12.3k, 212k, 1.05M. */
    static String rate(double perSecond) {
        if (perSecond >= 1e6) {
            return String.format(Locale.ROOT, "%.2fM", perSecond / 1e6);
        }
        if (perSecond >= 1e5) {
            return String.format(Locale.ROOT, "%.0fk", perSecond / 1e3);
        }
        if (perSecond >= 1e3) {
            return String.format(Locale.ROOT, "%.1fk", perSecond / 1e3);
        }
        return String.format(Locale.ROOT, "%.0f", perSecond);
    }

    static String number(double v) {
        return String.format(Locale.ROOT, "%.2f", v);
    }
}
