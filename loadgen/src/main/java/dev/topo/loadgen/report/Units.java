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

    static String number(double v) {
        return String.format(Locale.ROOT, "%.2f", v);
    }
}
