/**
 * {@code topo load merge}: the results of the parts of one test (run with {@code --segment I/N}, on several
 * machines or as several processes) added into the result of the whole test, as if one load generator had run it.
 * Plain objects over parsed documents, tested without a network: {@code PartResult} reads a part's JSON
 * ({@code topo-loadgen/1} with its encoded histograms) and {@code IntervalLog} its HdrHistogram log;
 * {@code ResultMerge} adds histograms and counters, recomputes rates over the common window and keeps each part's
 * figures; {@code TimelineMerge} lines the parts' timelines up on wall-clock seconds. Imports {@code engine},
 * {@code stats} and the shared configuration model's duration grammar; not {@code cli}, {@code report} or
 * {@code compare}: the command line prints and writes what it returns.
 */
package dev.topo.loadgen.merge;
