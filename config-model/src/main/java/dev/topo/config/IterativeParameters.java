package dev.topo.config;

/** iterative: one thread, nothing to choose. */
public record IterativeParameters() implements TopologyParameters {
}
