package dev.topo.config;

/** process-per-connection: {@code maxChildren} live connection processes at most; the master waits beyond it. */
public record ProcessPerConnectionParameters(Integer maxChildren) implements TopologyParameters {
    public ProcessPerConnectionParameters {
        maxChildren = Check.between("topology.maxChildren", Check.orDefault(maxChildren, 16), 1, 1024);
    }
}
