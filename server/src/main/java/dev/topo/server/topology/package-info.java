/**
 * One final class per accept/IO model behind {@link dev.topo.server.topology.Topology}, created by
 * {@link dev.topo.server.topology.Topologies} from the kind in the configuration, plus what they are made of: event
 * loop resources, the blocking server, fd hand-off, the master's side of the multi-process kinds. Imports
 * {@code config}, {@code http}, {@code metrics} and {@code process}.
 */
package dev.topo.server.topology;
