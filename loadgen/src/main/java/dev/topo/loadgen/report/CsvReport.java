package dev.topo.loadgen.report;

import dev.topo.loadgen.engine.LoadResult;
import dev.topo.loadgen.engine.TimelinePoint;

import java.io.IOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/** The per-second timeline as CSV, one row per interval. */
public final class CsvReport {

    static final String HEADER = "second,elapsed_s,interval_s,requests,rate,errors,bytes_read,open_connections,"
            + "connections_opened,p50_us,p99_us,max_us,p99_uncorrected_us";

    private CsvReport() {
    }

    public static void write(LoadResult r, Path file) throws IOException {
        try (Writer w = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
            w.write(HEADER);
            w.write('\n');
            for (TimelinePoint p : r.timeline()) {
                w.write(String.format(Locale.ROOT, "%d,%.3f,%.3f,%d,%.3f,%d,%d,%d,%d,%.3f,%.3f,%.3f,%.3f%n",
                        p.second(), p.elapsedSeconds(), p.intervalSeconds(), p.requests(), p.rate(), p.errors(),
                        p.bytesRead(), p.openConnections(), p.connectionsOpened(), p.p50Us(), p.p99Us(), p.maxUs(),
                        p.p99UncorrectedUs()));
            }
        }
    }
}
