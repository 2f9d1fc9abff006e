/**
 * The server's configuration: the YAML file bound by {@link dev.topo.config.ConfigLoader} to immutable records that
 * validate themselves when built, every mistake one {@link dev.topo.config.ConfigException} of the shape
 * {@code file: topology.listeners: 0 (expected: 1..256)}. {@link dev.topo.config.TopologyKind} is the registry of
 * kinds, each with the record of its own parameters. Durations and sizes are written here the one way both the server
 * and the load generator read them. Imports Jackson and the JDK only: nothing of Netty, the server or the loadgen.
 */
package dev.topo.config;
