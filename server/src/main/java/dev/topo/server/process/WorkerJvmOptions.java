package dev.topo.server.process;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Which JVM options a worker process gets. By default the master's own, filtered by an allowlist: memory, GC and
 * compiler settings, system properties and module flags pass; anything that opens a port or writes a file of a fixed
 * name (a debugger or other agent, JMX remote, a GC log or flight recording to a file) would collide between several
 * JVMs and stays with the master. {@code TOPO_WORKER_JAVA_OPTS}, when set, replaces them all.
 */
public final class WorkerJvmOptions {
    /** Options a worker inherits: everything else a master was started with is left out. */
    private static final List<String> ALLOWED = List.of("-Xmx", "-Xms", "-Xss", "-Xmn", "-XX:", "-D", "-ea", "-da",
            "--enable-native-access", "--add-opens", "--add-exports", "--add-modules", "-Dfile.encoding");
    /**
     * Allowed prefixes that still name a port or a file of their own: among them recording a class cache (every
     * worker would write the master's file), while reading one ({@code -XX:SharedArchiveFile}, {@code -XX:AOTCache})
     * passes, which is how the launcher's cache speeds up worker starts.
     */
    private static final List<String> DENIED = List.of("-Dcom.sun.management.", "-XX:StartFlightRecording",
            "-XX:FlightRecorderOptions", "-XX:HeapDumpPath", "-XX:ErrorFile", "-XX:LogFile", "-XX:+LogVMOutput",
            "-XX:ArchiveClassesAtExit", "-XX:AOTCacheOutput", "-XX:AOTConfiguration", "-XX:AOTMode=record");

    private WorkerJvmOptions() {
    }

    /**
     * @param masterOptions the master's JVM input arguments
     * @param override      the value of {@code TOPO_WORKER_JAVA_OPTS}, or null: whitespace-separated options
     */
    public static List<String> of(List<String> masterOptions, String override) {
        if (override != null && !override.isBlank()) {
            return Arrays.asList(override.trim().split("\\s+"));
        }
        List<String> kept = new ArrayList<>();
        for (String option : masterOptions) {
            if (ALLOWED.stream().anyMatch(option::startsWith) && DENIED.stream().noneMatch(option::startsWith)) {
                kept.add(option);
            }
        }
        return kept;
    }
}
