package dev.topo.config;

import com.fasterxml.jackson.databind.annotation.JsonDeserialize;

/** shared-listener: {@code loops} loops that all watch the one listening socket ({@code auto} = one per CPU). */
public record SharedListenerParameters(@JsonDeserialize(using = CpuCountDeserializer.class) Integer loops)
        implements TopologyParameters {
    public SharedListenerParameters {
        loops = Check.between("topology.loops", Check.orDefault(loops, CommonParameters.cpus()), 1, 256);
    }
}
