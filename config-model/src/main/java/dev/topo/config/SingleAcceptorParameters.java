package dev.topo.config;

import com.fasterxml.jackson.databind.annotation.JsonDeserialize;

/** single-acceptor: one boss loop accepts, {@code workers} loops serve ({@code auto} = CPUs the JVM sees). */
public record SingleAcceptorParameters(@JsonDeserialize(using = CpuCountDeserializer.class) Integer workers)
        implements TopologyParameters {
    public SingleAcceptorParameters {
        workers = CommonParameters.workers(workers);
    }
}
