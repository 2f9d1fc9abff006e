package dev.topo.config;

import com.fasterxml.jackson.databind.annotation.JsonDeserialize;

/**
 * process-reuseport: what each worker process runs is a reuseport topology.
 *
 * @param processes          worker processes the supervisor keeps running ({@code auto} = one per CPU)
 * @param listeners          SO_REUSEPORT sockets in each worker
 * @param workersPerListener worker loops per listener in each worker; 0 (the default here: processes already spread
 *                           the load) is shared-nothing
 * @param standbyWorkers     worker processes started and ready beside the others, each to take over at once from
 *                           one that dies (0: a death waits for a JVM start)
 * @param maxRestarts        restarts of one worker in a row (each dying within a minute of its start) after which the
 *                           supervisor gives up and exits non-zero
 */
public record ProcessReusePortParameters(@JsonDeserialize(using = CpuCountDeserializer.class) Integer processes,
        @JsonDeserialize(using = CpuCountDeserializer.class) Integer listeners, Integer workersPerListener,
        Integer standbyWorkers, Integer maxRestarts) implements TopologyParameters {
    public ProcessReusePortParameters {
        processes = CommonParameters.processes(processes);
        listeners = CommonParameters.listeners(listeners);
        workersPerListener = CommonParameters.workersPerListener(workersPerListener, 0);
        standbyWorkers = CommonParameters.standbyWorkers(standbyWorkers);
        maxRestarts = CommonParameters.maxRestarts(maxRestarts);
    }

    /** The topology inside each worker process. */
    public ReusePortParameters inWorker() {
        return new ReusePortParameters(listeners, workersPerListener);
    }
}
