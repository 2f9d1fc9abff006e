package dev.topo.server.process;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.topo.server.config.ConfigException;
import dev.topo.server.config.ConfigLoader;
import dev.topo.server.config.Dispatch;
import dev.topo.server.config.Overrides;
import dev.topo.server.config.ServerConfig;
import dev.topo.server.config.TopologyConfig;
import dev.topo.server.config.TopologyKind;
import dev.topo.server.config.Transport;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The multi-process keys, their command-line overrides, and the configuration a master hands its workers. */
@Timeout(10)
class ProcessConfigTest {
    @Test
    void commandLineSwitchesToFdPassingWithProcessesAndWorkers() {
        ServerConfig c = ConfigLoader.load(Path.of("../config/process-reuseport.yaml"),
                new Overrides(null, null, null, null, "process-fd-passing", null, 3, 4));
        assertEquals(TopologyKind.PROCESS_FD_PASSING, c.topology().kind());
        assertEquals(4, c.topology().processes());
        assertEquals(3, c.topology().workers());
        assertEquals(Dispatch.ROUND_ROBIN, c.topology().dispatch());
    }

    @Test
    void processReusePortIsSharedNothingInsideEachWorkerByDefault() {
        TopologyConfig t = ConfigLoader.parse("topology: {kind: process-reuseport}\n", "t.yaml").topology();
        assertEquals(0, t.workersPerListener());
        assertEquals(Runtime.getRuntime().availableProcessors(), t.processes(), "processes: auto by default");
        assertEquals(5, t.maxRestarts());
    }

    @Test
    void processesOnAKindWithoutWorkerProcessesIsAnError() {
        ConfigException e = assertThrows(ConfigException.class,
                () -> ConfigLoader.parse("topology: {kind: reuseport, processes: 2}\n", "t.yaml"));
        assertEquals("t.yaml: topology.processes: 2 (expected: only with kind process-fd-passing, "
                + "process-reuseport; this is kind reuseport)", e.getMessage());
    }

    @Test
    void theWorkersConfigurationSurvivesTheTripThroughYaml() {
        ServerConfig master = ConfigLoader.parse("""
                bind: {host: 127.0.0.1, port: 8081}
                admin: {port: 9191}
                topology: {kind: process-fd-passing, processes: 3, workers: 2, dispatch: least-connections}
                limits: {idleTimeout: 3s, maxBodySize: 2MiB}
                handler: {offloadThreads: 2}
                drainTimeout: 7s
                """, "master.yaml");
        ServerConfig worker = WorkerFiles.workerConfig(master, master.topology(), 8081, true);
        assertEquals(Transport.EPOLL, worker.transport());
        assertEquals(0, worker.admin().port(), "each worker's admin port is ephemeral");
        assertEquals("127.0.0.1", worker.admin().host());
        assertEquals(master.limits(), worker.limits());
        assertEquals(master.handler(), worker.handler());
        assertEquals(master.drainTimeout(), worker.drainTimeout());
        assertEquals(worker, ConfigLoader.parse(ConfigLoader.toYaml(worker), "worker.yaml"),
                "what the master writes is what the worker reads");
    }
}
