package dev.topo.config;

import com.fasterxml.jackson.databind.annotation.JsonDeserialize;

/**
 * reuseport.
 *
 * @param listeners          SO_REUSEPORT sockets on the one address ({@code auto} = one per CPU)
 * @param workersPerListener worker loops per listener; 0 = shared-nothing (the listener's loop serves)
 */
public record ReusePortParameters(@JsonDeserialize(using = CpuCountDeserializer.class) Integer listeners,
        Integer workersPerListener) implements TopologyParameters {
    public ReusePortParameters {
        listeners = CommonParameters.listeners(listeners);
        workersPerListener = CommonParameters.workersPerListener(workersPerListener, 1);
    }
}
