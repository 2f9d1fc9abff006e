package dev.topo.config;

import com.fasterxml.jackson.databind.annotation.JsonDeserialize;

/**
 * process-fd-passing.
 *
 * @param processes   worker processes the supervisor keeps running: a count ({@code auto} = one per CPU) or a
 *                    dynamic pool ({@link ProcessPool})
 * @param workers     event loops in each worker
 * @param dispatch    how the master picks the worker for each accepted connection
 * @param standbyWorkers as for process-reuseport
 * @param maxRestarts as for process-reuseport
 */
public record ProcessFdPassingParameters(ProcessPool processes,
        @JsonDeserialize(using = CpuCountDeserializer.class) Integer workers, Dispatch dispatch,
        Integer standbyWorkers, Integer maxRestarts) implements TopologyParameters {
    public ProcessFdPassingParameters {
        processes = Check.orDefault(processes, ProcessPool.fixed(CommonParameters.cpus()));
        workers = CommonParameters.workers(workers);
        dispatch = Check.orDefault(dispatch, Dispatch.ROUND_ROBIN);
        standbyWorkers = CommonParameters.standbyWorkers(standbyWorkers);
        maxRestarts = CommonParameters.maxRestarts(maxRestarts);
    }
}
