/**
 * The reports of one run: the console summary (laid out like wrk's), the JSON document
 * ({@code topo-loadgen/1}), the per-second CSV, the HdrHistogram log and the progress line, fed by the engine's
 * result or by its listener calls. Imports {@code engine} and {@code stats}; not {@code cli} or {@code compare}.
 */
package dev.topo.loadgen.report;
