/**
 * Statistics that do not know where their numbers come from: the shared histogram layout, latency percentiles, and
 * how evenly responses and connections spread over the server's listeners and event loops. Imports nothing of the
 * load generator.
 */
package dev.topo.loadgen.stats;
