/**
 * The running side of {@code topo compare}: it starts each server configuration as a process
 * ({@code ServerProcess}, pinned by {@code Placement}), runs each applicable {@code Scenario} through the engine,
 * scrapes the server's metrics ({@code Metrics}) and collects what {@code results.json} holds ({@code Results},
 * {@code topo-compare/1}) and the change against a baseline ({@code Baseline}). It draws nothing:
 * {@code compare.render} does. Imports {@code engine}; of {@code cli} only {@code DurationConverter}, for scenario
 * timeouts, until that parser moves to the shared module. Not {@code report} or {@code compare.render}.
 */
package dev.topo.loadgen.compare;
