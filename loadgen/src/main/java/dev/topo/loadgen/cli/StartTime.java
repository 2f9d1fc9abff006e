package dev.topo.loadgen.cli;

import dev.topo.loadgen.engine.InvalidValueException;

import java.io.IOException;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * When the parts of a test start, so that they overlap: a wall-clock instant given to all of them
 * ({@code --start-at}), or one they agree on through a directory they share ({@code --start-barrier}), with no
 * server of ours. Parts on several machines need clocks kept in step (NTP does it to a few milliseconds).
 */
final class StartTime {

    static final String EXPECTED = "an instant: ISO-8601 with a zone, as 2026-12-03T10:40:00Z, or epoch seconds";
    /** How long a part waits at the barrier for the others before giving up. */
    static final long BARRIER_TIMEOUT_MS = TimeUnit.MINUTES.toMillis(10);
    /** What each part proposes at the barrier: time for the last one to see the others' files and get ready. */
    static final long BARRIER_LEAD_MS = 3_000;

    private StartTime() {
    }

    /** Parses {@code --start-at}: epoch seconds (a fraction allowed) or ISO-8601 with a zone or offset. */
    static long parseEpochMs(String text) {
        String t = text.trim();
        try {
            if (t.matches("\\d+(\\.\\d+)?")) {
                return new BigDecimal(t).movePointRight(3).longValue();
            }
            return OffsetDateTime.parse(t).toInstant().toEpochMilli();
        } catch (DateTimeParseException | NumberFormatException e) {
            throw new InvalidValueException("--start-at", InvalidValueException.quoted(text), EXPECTED);
        }
    }

    /**
     * The barrier: part {@code index} of {@code count} writes the start it proposes (now plus a lead) into
     * {@code dir/ready-INDEX}, waits until every part's file is there, and returns the latest proposal, which every
     * part computes alike. The files are left for the next parts to see; a new test needs an empty directory.
     */
    static long barrier(Path dir, int index, int count) throws IOException, InterruptedException {
        Files.createDirectories(dir);
        Path tmp = dir.resolve(".ready-" + index + ".tmp");
        Files.writeString(tmp, Long.toString(System.currentTimeMillis() + BARRIER_LEAD_MS), StandardCharsets.UTF_8);
        // Renamed into place, so that a part never reads half a number.
        Files.move(tmp, dir.resolve("ready-" + index), StandardCopyOption.ATOMIC_MOVE,
                StandardCopyOption.REPLACE_EXISTING);
        long deadline = System.currentTimeMillis() + BARRIER_TIMEOUT_MS;
        while (true) {
            long latest = 0;
            int ready = 0;
            try (Stream<Path> files = Files.list(dir)) {
                for (Path f : files.filter(p -> p.getFileName().toString().matches("ready-\\d+")).toList()) {
                    latest = Math.max(latest, Long.parseLong(Files.readString(f, StandardCharsets.UTF_8).trim()));
                    ready++;
                }
            }
            if (ready >= count) {
                return latest;
            }
            if (System.currentTimeMillis() > deadline) {
                throw new IOException("start barrier " + dir + ": " + ready + " of " + count
                        + " parts ready after " + BARRIER_TIMEOUT_MS / 60_000 + " min");
            }
            TimeUnit.MILLISECONDS.sleep(100);
        }
    }
}
