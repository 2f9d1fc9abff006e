package dev.topo.loadgen.compare;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * CPU placement with {@code taskset}: the server is started under {@code taskset -c}, and this JVM (the load
 * generator) is moved with {@code taskset -a -p} so the engine's threads, created afterwards, inherit its set.
 */
public final class Placement {

    private static final Logger LOG = LoggerFactory.getLogger(Placement.class);

    private Placement() {
    }

    /** Splits 0..cpus-1 in two halves: the server gets the lower one. Null when there are fewer than 2 CPUs. */
    public static String[] split(int cpus) {
        if (cpus < 2) {
            return null;
        }
        int half = cpus / 2;
        return new String[]{range(0, half - 1), range(half, cpus - 1)};
    }

    private static String range(int from, int to) {
        return from == to ? String.valueOf(from) : from + "-" + to;
    }

    public static boolean tasksetAvailable() {
        return run(List.of("taskset", "-V")) != null;
    }

    /** This JVM's current CPU list (to restore it afterwards), or null when taskset cannot tell. */
    public static String currentClientCpus() {
        String out = run(List.of("taskset", "-a", "-p", "-c", String.valueOf(ProcessHandle.current().pid())));
        if (out == null) {
            return null;
        }
        // "pid 123's current affinity list: 0,1" per thread; the main thread's line comes first.
        String first = out.lines().findFirst().orElse("");
        int colon = first.lastIndexOf(':');
        return colon < 0 ? null : first.substring(colon + 1).trim();
    }

    /** Moves every thread of this JVM to {@code cpus}; false (and a warning) when taskset fails. */
    public static boolean pinClient(String cpus) {
        String out = run(List.of("taskset", "-a", "-p", "-c", cpus, String.valueOf(ProcessHandle.current().pid())));
        if (out == null) {
            LOG.warn("could not pin the load generator to CPUs {}", cpus);
            return false;
        }
        return true;
    }

    public static String kernel() {
        try {
            return Files.readString(Path.of("/proc/sys/kernel/osrelease"), StandardCharsets.US_ASCII).trim();
        } catch (IOException e) {
            return System.getProperty("os.version");
        }
    }

    private static String run(List<String> argv) {
        try {
            Process p = new ProcessBuilder(argv).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor(5, TimeUnit.SECONDS) || p.exitValue() != 0) {
                LOG.debug("{} failed: {}", argv, out.trim());
                return null;
            }
            return out;
        } catch (IOException e) {
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
    }
}
