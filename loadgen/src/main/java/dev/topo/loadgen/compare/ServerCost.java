package dev.topo.loadgen.compare;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What a server cost the machine over a window, from Linux's {@code /proc}, for the server process and every
 * process under it (the workers of a multi-process server): CPU time, context switches of every thread, peak resident
 * memory. On two cores the client saturates before the server, so throughput cannot separate topologies; CPU per
 * request at the same offered rate can. {@code bench/server-vs-nginx.sh} reads the same {@code utime + stime}.
 *
 * <p>Reading is the only part that touches the system; {@link #parseStat}, {@link #parseStatus} and
 * {@link Figures#of} are plain and unit-tested on canned text.
 */
public final class ServerCost {

    private static final Logger LOG = LoggerFactory.getLogger(ServerCost.class);
    private static final Path PROC = Path.of("/proc");
    /** Linux's USER_HZ, the unit of /proc's CPU times: 100 on every architecture the JDK runs on. */
    static final long TICKS_PER_SECOND = 100;

    private ServerCost() {
    }

    /**
     * The counters of a process tree at one moment.
     *
     * @param cpuTicks       utime + stime + cutime + cstime summed over the processes: a worker that exits and is
     *                       reaped moves its time into its parent's cutime, so the sum of a window stays whole
     * @param switches       per thread id, {voluntary (waits: epoll, locks, sleeps), involuntary (preempted)}
     *                       context switches. Kept per thread because Linux counts them per thread and forgets a
     *                       thread's when it exits: a window's figure is the growth of the threads alive at its end
     * @param peakRssKb      VmHWM summed over the processes
     * @param processes      how many processes were read
     */
    public record Sample(long cpuTicks, Map<Long, long[]> switches, long peakRssKb, int processes) {
        public Sample {
            switches = Map.copyOf(switches);
        }
    }

    /**
     * The cost of one run's measured window (from the end of the warm-up to the end of the drain).
     *
     * @param cpuSeconds                 server CPU time in the window, all processes
     * @param cpuUsPerRequest            that CPU per response the client received, microseconds
     * @param cpuUsPerConnection         per connection opened in the window; null when none was (keep-alive
     *                                   connections open during the warm-up)
     * @param contextSwitchesPerRequest  voluntary + involuntary switches per response
     * @param involuntaryPerRequest      the involuntary part: the server preempted
     * @param peakRssMiB                 the processes' peak resident memory, summed, at the end of the run
     * @param processes                  processes in the tree at the end
     */
    public record Figures(double cpuSeconds, double cpuUsPerRequest, Double cpuUsPerConnection,
                          double contextSwitchesPerRequest, double involuntaryPerRequest, double peakRssMiB,
                          int processes) {

        /** Null when either sample is missing (not Linux) or nothing was answered. */
        public static Figures of(Sample before, Sample after, long requests, long connections) {
            if (before == null || after == null || requests <= 0) {
                return null;
            }
            double cpu = (double) Math.max(0, after.cpuTicks() - before.cpuTicks()) / TICKS_PER_SECOND;
            long voluntary = 0;
            long involuntary = 0;
            for (Map.Entry<Long, long[]> e : after.switches().entrySet()) {
                // A thread id new in the window counts from 0; ids are not reused within seconds.
                long[] was = before.switches().getOrDefault(e.getKey(), new long[2]);
                voluntary += Math.max(0, e.getValue()[0] - was[0]);
                involuntary += Math.max(0, e.getValue()[1] - was[1]);
            }
            return new Figures(round(cpu, 2), round(cpu * 1e6 / requests, 2),
                    connections > 0 ? round(cpu * 1e6 / connections, 2) : null,
                    round((double) (voluntary + involuntary) / requests, 3),
                    round((double) involuntary / requests, 3), round(after.peakRssKb() / 1024.0, 1),
                    after.processes());
        }
    }

    /** The tree under {@code pid} now; null when {@code /proc} cannot tell (not Linux, or the process is gone). */
    public static Sample read(long pid) {
        List<Long> pids = new ArrayList<>();
        pids.add(pid);
        Optional<ProcessHandle> root = ProcessHandle.of(pid);
        if (root.isEmpty()) {
            return null;
        }
        root.get().descendants().forEach(p -> pids.add(p.pid()));
        long ticks = 0;
        Map<Long, long[]> switches = new HashMap<>();
        long rss = 0;
        int read = 0;
        for (long p : pids) {
            Path dir = PROC.resolve(Long.toString(p));
            try {
                ticks += parseStat(Files.readString(dir.resolve("stat"), StandardCharsets.US_ASCII));
                rss += parseStatus(Files.readString(dir.resolve("status"), StandardCharsets.US_ASCII))[2];
                // /proc/PID/status counts the main thread's switches only: every thread has its own.
                try (DirectoryStream<Path> tasks = Files.newDirectoryStream(dir.resolve("task"))) {
                    for (Path task : tasks) {
                        long[] s = parseStatus(readOrEmpty(task.resolve("status")));
                        switches.put(Long.parseLong(task.getFileName().toString()), new long[]{s[0], s[1]});
                    }
                }
                read++;
            } catch (IOException | RuntimeException e) {
                // A process that exited between the listing and the read: its time is in its parent's cutime.
                LOG.debug("cannot read /proc/{}: {}", p, e.toString());
            }
        }
        return read == 0 ? null : new Sample(ticks, switches, rss, read);
    }

    private static String readOrEmpty(Path file) {
        try {
            return Files.readString(file, StandardCharsets.US_ASCII);
        } catch (IOException e) {
            return "";
        }
    }

    /**
     * utime + stime + cutime + cstime (fields 14 to 17) of a {@code /proc/PID/stat} line. The command name (field 2)
     * is in parentheses and may hold spaces and parentheses itself, so fields are counted after the last ')'.
     */
    static long parseStat(String stat) {
        String[] f = stat.substring(stat.lastIndexOf(')') + 2).trim().split(" ");
        // f[0] is field 3 (state): field n is f[n - 3].
        return Long.parseLong(f[11]) + Long.parseLong(f[12]) + Long.parseLong(f[13]) + Long.parseLong(f[14]);
    }

    /** {voluntary_ctxt_switches, nonvoluntary_ctxt_switches, VmHWM in kB} of a {@code status} file; 0 if absent. */
    static long[] parseStatus(String status) {
        long[] out = new long[3];
        for (String line : status.split("\n")) {
            int colon = line.indexOf(':');
            if (colon < 0) {
                continue;
            }
            String key = line.substring(0, colon);
            int slot = switch (key) {
                case "voluntary_ctxt_switches" -> 0;
                case "nonvoluntary_ctxt_switches" -> 1;
                case "VmHWM" -> 2;
                default -> -1;
            };
            if (slot >= 0) {
                out[slot] = Long.parseLong(line.substring(colon + 1).trim().split("\\s+")[0]);
            }
        }
        return out;
    }

    private static double round(double v, int decimals) {
        double scale = Math.pow(10, decimals);
        return Math.round(v * scale) / scale;
    }
}
