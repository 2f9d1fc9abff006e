/**
 * The running side of {@code topo compare}: it starts each server configuration as a process
 * ({@code ServerProcess}, pinned by {@code Placement}), runs each applicable {@code Scenario} through the engine,
 * scrapes the server's metrics ({@code Metrics}; the herd and the pool size from them: {@code ServerFigures},
 * {@code PoolSampler}) and collects what {@code results.json} holds ({@code Results},
 * {@code topo-compare/1}) and the change against a baseline ({@code Baseline}). It draws nothing:
 * {@code compare.render} does. Imports {@code engine} and the shared configuration model ({@code dev.topo.config}:
 * server files are read by the server's own loader, scenario durations by its grammar). Not {@code cli},
 * {@code report} or {@code compare.render}.
 */
package dev.topo.loadgen.compare;
