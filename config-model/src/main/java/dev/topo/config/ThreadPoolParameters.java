package dev.topo.config;

import com.fasterxml.jackson.databind.annotation.JsonDeserialize;

/**
 * thread-pool.
 *
 * @param workers  pool threads ({@code auto} = CPUs the JVM sees)
 * @param queue    accepted connections waiting for a pool thread
 * @param whenFull reject (503) or block the acceptor when the queue is full
 */
public record ThreadPoolParameters(@JsonDeserialize(using = CpuCountDeserializer.class) Integer workers,
        Integer queue, WhenFull whenFull) implements TopologyParameters {
    public ThreadPoolParameters {
        workers = CommonParameters.workers(workers);
        queue = Check.between("topology.queue", Check.orDefault(queue, 128), 1, 1 << 20);
        whenFull = Check.orDefault(whenFull, WhenFull.REJECT);
    }
}
