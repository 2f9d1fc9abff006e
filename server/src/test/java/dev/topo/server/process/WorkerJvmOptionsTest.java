package dev.topo.server.process;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** What a worker inherits of its master's JVM options. */
@Timeout(5)
class WorkerJvmOptionsTest {
    @Test
    void memoryGcPropertiesAndModuleFlagsPassWhatOpensPortsOrFilesStays() {
        List<String> master = List.of("-Xmx512m", "-XX:+UseZGC", "-Dio.netty.leakDetection.level=paranoid",
                "--enable-native-access=ALL-UNNAMED", "-agentlib:jdwp=transport=dt_socket,address=5005",
                "-javaagent:/opt/agent.jar=port=9404", "-Dcom.sun.management.jmxremote.port=9010",
                "-Xlog:gc:file=/tmp/gc.log", "-XX:StartFlightRecording=filename=/tmp/rec.jfr", "-ea");
        assertEquals(List.of("-Xmx512m", "-XX:+UseZGC", "-Dio.netty.leakDetection.level=paranoid",
                "--enable-native-access=ALL-UNNAMED", "-ea"), WorkerJvmOptions.of(master, null));
    }

    @Test
    void aClassCacheIsReadByEveryWorkerButRecordedByNone() {
        List<String> master = List.of("-XX:SharedArchiveFile=/opt/topo/server.jsa", "-XX:AOTCache=/opt/topo/s.aot",
                "-XX:ArchiveClassesAtExit=/tmp/s.jsa", "-XX:AOTCacheOutput=/tmp/s.aot", "-XX:AOTMode=record",
                "-XX:AOTConfiguration=/tmp/s.conf");
        assertEquals(List.of("-XX:SharedArchiveFile=/opt/topo/server.jsa", "-XX:AOTCache=/opt/topo/s.aot"),
                WorkerJvmOptions.of(master, null));
    }

    /**
     * The launcher's memory defaults come before TOPO_JAVA_OPTS: a worker must get both, in that order, so that its
     * memory stays as low as the master's and a user's override wins in the worker as in the master.
     */
    @Test
    void theLaunchersMemoryDefaultsReachWorkersAndAUsersOverrideStillWins() {
        List<String> master = List.of("--enable-native-access=ALL-UNNAMED", "-XX:G1PeriodicGCInterval=15000",
                "-XX:TrimNativeHeapInterval=5000", "-XX:SharedArchiveFile=/tmp/s.jsa", "-XX:G1PeriodicGCInterval=0");
        assertEquals(master, WorkerJvmOptions.of(master, null));
    }

    @Test
    void theEnvironmentVariableReplacesThemAll() {
        assertEquals(List.of("-Xmx64m", "-Xlog:gc:file=/tmp/worker-gc.log"),
                WorkerJvmOptions.of(List.of("-Xmx1g", "-XX:+UseZGC"), "  -Xmx64m   -Xlog:gc:file=/tmp/worker-gc.log "));
    }
}
