/**
 * The command lines, {@code topo load} ({@code LoadCommand}) and {@code topo compare} ({@code CompareCommand}):
 * options, exit codes, one-line errors, and the mapping from the engine's field names to the options that set
 * them, durations in the shared grammar of {@code dev.topo.config.Durations}. The top of the graph: imports
 * {@code engine}, {@code report}, {@code compare} and {@code compare.render}; nothing imports {@code cli}.
 */
package dev.topo.loadgen.cli;
