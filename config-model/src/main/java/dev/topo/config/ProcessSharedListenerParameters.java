package dev.topo.config;

import com.fasterxml.jackson.databind.annotation.JsonDeserialize;

/**
 * process-shared-listener: what each worker process runs is a shared-listener topology on the master's one socket.
 *
 * @param processes      worker processes the supervisor keeps running: a count ({@code auto} = one per CPU) or a
 *                       dynamic pool ({@link ProcessPool})
 * @param loops          loops in each worker that watch the socket
 * @param acceptMutex    the workers take turns: only the one holding the turn watches the socket, and hands it on
 *                       after a batch (nginx's accept_mutex), so a connection wakes one process instead of all
 * @param standbyWorkers as for process-reuseport
 * @param maxRestarts    as for process-reuseport
 */
public record ProcessSharedListenerParameters(
        ProcessPool processes,
        @JsonDeserialize(using = CpuCountDeserializer.class) Integer loops, Boolean acceptMutex,
        Integer standbyWorkers, Integer maxRestarts) implements TopologyParameters {
    public ProcessSharedListenerParameters {
        processes = Check.orDefault(processes, ProcessPool.fixed(CommonParameters.cpus()));
        loops = Check.between("topology.loops", Check.orDefault(loops, 1), 1, 256);
        acceptMutex = Check.orDefault(acceptMutex, false);
        standbyWorkers = CommonParameters.standbyWorkers(standbyWorkers);
        maxRestarts = CommonParameters.maxRestarts(maxRestarts);
    }

    /** The topology inside each worker process. */
    public SharedListenerParameters inWorker() {
        return new SharedListenerParameters(loops);
    }
}
