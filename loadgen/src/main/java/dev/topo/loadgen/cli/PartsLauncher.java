package dev.topo.loadgen.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * {@code topo load ... --parts N}: the test split as on N machines, run as N processes of this one. Each runs
 * {@code --segment I/N} with the same command line and one common {@code --start-at}, writes its JSON result and
 * HdrHistogram log into the parts directory, and the results are merged as {@code topo load merge} would: the
 * whole path of a distributed run, testable without a cluster.
 */
final class PartsLauncher {

    /** Options this launcher sets for each part, or applies to the merged result instead. */
    private static final Set<String> NOT_PASSED = Set.of("--parts", "--parts-dir", "--segment", "--segments",
            "--start-at", "--start-barrier", "--json", "--csv", "--hdr-log", "--max-p99", "--max-error-rate");
    private static final Set<String> FLAGS_NOT_PASSED = Set.of("-q", "--quiet");
    /** Time for N JVMs to start and check the target before the common start, on a busy machine too. */
    private static final long START_LEAD_MS = 4_000;

    private PartsLauncher() {
    }

    /** The command line of every part: the user's, without what the launcher sets or keeps for the merge. */
    static List<String> partArgs(List<String> original) {
        List<String> out = new ArrayList<>();
        for (int i = 0; i < original.size(); i++) {
            String a = original.get(i);
            String name = a.startsWith("--") && a.contains("=") ? a.substring(0, a.indexOf('=')) : a;
            if (NOT_PASSED.contains(name)) {
                if (name.equals(a)) {
                    i++;   // its value is the next argument
                }
            } else if (!FLAGS_NOT_PASSED.contains(a)) {
                out.add(a);
            }
        }
        return out;
    }

    /**
     * Runs the parts and merges their results with the user's outputs and thresholds. {@code expected} is how long
     * a part should take (warm-up and duration); {@code dir} null makes a temporary directory.
     */
    static int run(List<String> original, int parts, Path dir, Path json, Path csv, Thresholds thresholds,
                   Duration expected, PrintWriter out, PrintWriter err)
            throws IOException, InterruptedException {
        Path partsDir = dir != null ? Files.createDirectories(dir) : Files.createTempDirectory("topo-parts-");
        List<Process> processes = new ArrayList<>();
        // Parts left running after this process is interrupted would load the server with no one to read them.
        Thread reaper = new Thread(() -> processes.forEach(Process::destroy), "topo-parts-reaper");
        Runtime.getRuntime().addShutdownHook(reaper);
        try {
            List<Path> files = start(partArgs(original), parts, partsDir, processes);
            // Start lead, warm-up, duration, drain, and the JVMs' own start and stop.
            long waitMs = START_LEAD_MS + expected.toMillis() + 60_000;
            for (int i = 0; i < parts; i++) {
                Process p = processes.get(i);
                if (!p.waitFor(waitMs, TimeUnit.MILLISECONDS)) {
                    err.println("error: part " + i + "/" + parts + " did not finish; see " + partsDir);
                    return LoadCommand.UNREACHABLE;
                }
                if (p.exitValue() != LoadCommand.OK) {
                    err.println("error: part " + i + "/" + parts + " exited " + p.exitValue() + ": "
                            + Files.readString(partsDir.resolve("part-" + i + ".out"), StandardCharsets.UTF_8).strip());
                    return p.exitValue();
                }
            }
            out.println("Parts in " + partsDir);
            return MergeCommand.of(files, json, csv, thresholds).run(out, err);
        } finally {
            processes.forEach(Process::destroy);
            Runtime.getRuntime().removeShutdownHook(reaper);
        }
    }

    /** Starts part I of N for every I, all at one instant; returns the files they write, results and logs. */
    private static List<Path> start(List<String> args, int parts, Path partsDir, List<Process> processes)
            throws IOException {
        String java = ProcessHandle.current().info().command().orElse("java");
        // On a whole second, so that the parts' timelines tick on the wall clock's seconds.
        long startSeconds = (System.currentTimeMillis() + START_LEAD_MS + 999) / 1000;
        List<Path> files = new ArrayList<>();
        for (int i = 0; i < parts; i++) {
            List<String> cmd = new ArrayList<>(List.of(java, "-cp", System.getProperty("java.class.path"),
                    LoadCommand.class.getName()));
            cmd.addAll(args);
            Path result = partsDir.resolve("part-" + i + ".json");
            Path log = partsDir.resolve("part-" + i + ".hlog");
            cmd.addAll(List.of("--segment", i + "/" + parts, "--start-at", String.valueOf(startSeconds),
                    "--json", result.toString(), "--hdr-log", log.toString(), "--quiet"));
            Path output = partsDir.resolve("part-" + i + ".out");
            processes.add(new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(output.toFile()).start());
            files.add(result);
            files.add(log);
        }
        return files;
    }
}
