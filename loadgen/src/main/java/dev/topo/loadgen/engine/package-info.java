/**
 * The load engine: a {@link dev.topo.loadgen.engine.LoadSpec} in, a {@link dev.topo.loadgen.engine.LoadResult} out.
 * One {@code Worker} per event loop thread drives its share of the connections, with a {@code ConnectionPolicy}
 * (keep-alive, or a connection per request) for what a connection does and a {@code Schedule} (closed or open loop)
 * for when requests go out; the calling thread merges the workers' counters and histograms once a second. Bad
 * input is reported by spec field name ({@link dev.topo.loadgen.engine.InvalidValueException}), never by a
 * command-line flag. Imports {@code stats} and nothing else of the load generator: not {@code cli}, {@code report}
 * or {@code compare}.
 */
package dev.topo.loadgen.engine;
