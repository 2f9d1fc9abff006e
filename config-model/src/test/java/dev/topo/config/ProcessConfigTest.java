package dev.topo.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

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
        ProcessFdPassingParameters fd = c.topology().parameters(ProcessFdPassingParameters.class);
        assertEquals(ProcessPool.fixed(4), fd.processes());
        assertEquals(3, fd.workers());
        assertEquals(Dispatch.ROUND_ROBIN, fd.dispatch());
    }

    @Test
    void processReusePortIsSharedNothingInsideEachWorkerByDefault() {
        ProcessReusePortParameters t = ConfigLoader.parse("topology: {kind: process-reuseport}\n", "t.yaml")
                .topology().parameters(ProcessReusePortParameters.class);
        assertEquals(0, t.workersPerListener());
        assertEquals(Runtime.getRuntime().availableProcessors(), t.processes(), "processes: auto by default");
        assertEquals(5, t.maxRestarts());
    }

    @Test
    void processesOnAKindWithoutWorkerProcessesIsAnError() {
        ConfigException e = assertThrows(ConfigException.class,
                () -> ConfigLoader.parse("topology: {kind: reuseport, processes: 2}\n", "t.yaml"));
        assertEquals("t.yaml: topology.processes: 2 (expected: only with kind process-fd-passing, "
                + "process-reuseport, process-shared-listener; this is kind reuseport)", e.getMessage());
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
        ServerConfig worker = master.forWorker(master.topology(), 8081, true);
        assertEquals(Transport.EPOLL, worker.transport(), "auto becomes epoll: a worker never falls back to NIO");
        ServerConfig uring = ConfigLoader.parse("transport: io_uring\ntopology: {kind: process-reuseport}\n", "m.yaml");
        assertEquals(Transport.IO_URING, uring.forWorker(uring.topology(), 8081, true).transport(),
                "the workers run on the master's io_uring");
        assertEquals(0, worker.admin().port(), "each worker's admin port is ephemeral");
        assertEquals("127.0.0.1", worker.admin().host());
        assertEquals(master.limits(), worker.limits());
        assertEquals(master.handler(), worker.handler());
        assertEquals(master.drainTimeout(), worker.drainTimeout());
        assertEquals(worker, ConfigLoader.parse(ConfigLoader.toYaml(worker), "worker.yaml"),
                "what the master writes is what the worker reads");
    }
}
