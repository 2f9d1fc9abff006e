package dev.topo.loadgen.compare;

import dev.topo.loadgen.engine.ResultDocument;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The records {@code results.json} is made of. The field names are a contract ({@value #SCHEMA}): add fields
 * freely, rename or remove one only with a new schema version (baselines of older runs are read by name).
 */
public final class Results {

    public static final String SCHEMA = "topo-compare/1";

    public static final String OK = "ok";
    public static final String FAILED = "failed";
    public static final String SKIPPED = "skipped";

    private Results() {
    }

    public record Document(String schema, String version, String startedAt, String finishedAt, Machine machine,
                           Placement placement, Options options, List<Scenario> scenarios,
                           List<ConfigResult> configs) {
        public Document {
            scenarios = List.copyOf(scenarios);
            configs = List.copyOf(configs);
        }

        /** The configurations whose run of {@code scenario} completed, by name in run order, with that run. */
        public Map<String, RunResult> completedRuns(String scenario) {
            Map<String, RunResult> out = new LinkedHashMap<>();
            for (ConfigResult cfg : configs) {
                RunResult r = cfg.completedRun(scenario);
                if (r != null) {
                    out.put(cfg.name(), r);
                }
            }
            return out;
        }
    }

    /** Facts that decide whether two results files can be compared at all. */
    public record Machine(int cpus, String os, String kernel, String arch, String jvm, String javaVersion) {
    }

    /**
     * Where the server and the client ran.
     *
     * @param pinned     both were restricted to disjoint CPU sets
     * @param serverCpus taskset list of the server, empty when unpinned
     * @param clientCpus taskset list of this JVM (the load generator) during the runs
     * @param note       why not pinned, or how
     */
    public record Placement(boolean pinned, String serverCpus, String clientCpus, String note) {
    }

    /**
     * @param warmup        each scenario's warm-up: {@code auto} (until steady) or a fixed length such as {@code 2s}
     * @param warmupSeconds the fixed length, or the ceiling of {@code auto}; what each run took is in its
     *                      {@code load.warmup}
     */
    /** @param switchLive one server JVM switched live between the configurations, or one started per configuration */
    public record Options(double durationSeconds, String warmup, double warmupSeconds, String serverCommand,
                          List<String> configs, String scenariosFile, int repeat, boolean switchLive) {
    }

    /**
     * One server configuration.
     *
     * @param status {@code ok} (started and every applicable scenario ran; a run may still hold errors),
     *               {@code failed} (did not start or died: {@code error} says why), {@code skipped}
     * @param ready  the server's ready line (listeners, loops, CPUs it saw: under taskset, {@code auto} sizes
     *               follow the CPUs it was given), empty when it never got ready
     */
    public record ConfigResult(String name, String file, String kind, String protocol, String status, String error,
                               String ready, List<RunResult> runs) {
        public ConfigResult {
            runs = List.copyOf(runs);
        }

        /** The run of {@code scenario} if it completed (status ok, with a load result), else null. */
        public RunResult completedRun(String scenario) {
            for (RunResult r : runs) {
                if (r.scenario().equals(scenario) && r.status().equals(OK) && r.load() != null) {
                    return r;
                }
            }
            return null;
        }
    }

    /**
     * One scenario on one configuration.
     *
     * @param load            everything the load generator measured, as {@code topo load --json} writes it
     * @param latencyCurve    latency at percentiles, HdrHistogram-style, for the percentile chart
     * @param serverDelta     server counters that changed during the run (after - before)
     * @param loopConnections connections accepted per loop during the run, from the server's metrics
     * @param loopRequests    requests per loop during the run, from the server's metrics
     * @param fairness        Jain's index over {@code loopConnections} (client-side spread when the server has no
     *                        per-loop metrics); NaN when nothing was counted
     * @param emptyWakeupsPerAccept the thundering herd: empty accept wake-ups of all loops per accepted connection
     *                        during the measured window (see {@link ServerFigures#herd}); null when none was accepted
     * @param poolWorkers     the dynamic pool's size sampled about once a second during the run; empty when the
     *                        server has no {@code topo_pool_workers}
     * @param serverCost      the server's CPU, context switches and memory over the measured window, all its
     *                        processes; null where {@code /proc} cannot tell
     * @param fairnessSource  {@code server} (its per-loop metrics) or {@code client} (the X-Topo-Loop spread);
     *                        null when {@code fairness} is, which it is below 2 loops (1 by definition there)
     * @param notComparable   why this run is left out of the ranking (an open loop that missed its offered rate
     *                        by more than 2%), null when it is comparable
     * @param latencyHistogram the whole latency histogram (nanoseconds, corrected in open loop) in HdrHistogram's
     *                        compressed base64 ({@link dev.topo.loadgen.stats.EncodedHistogram}), so that a baseline
     *                        or a later merge recomputes any percentile; null when nothing was recorded
     * @param repeats         with {@code --repeat N}: this is the median run, and these the min, median and max of
     *                        each figure over the N runs; null for a single run
     */
    public record RunResult(String scenario, String status, String error, ResultDocument load,
                            List<Point> latencyCurve, Map<String, Double> serverDelta,
                            Map<String, Long> loopConnections, Map<String, Long> loopRequests, Double fairness,
                            Double emptyWakeupsPerAccept, List<PoolSample> poolWorkers,
                            ServerCost.Figures serverCost, String fairnessSource, String notComparable,
                            String latencyHistogram, Repeats.Stats repeats) {
        /** A run that did not complete: nothing measured. */
        public static RunResult failed(String scenario, String why) {
            return new RunResult(scenario, FAILED, why, null, List.of(), Map.of(), Map.of(), Map.of(), null, null,
                    List.of(), null, null, null, null, null);
        }

        /** This run with the spread of its repeats. */
        public RunResult withRepeats(Repeats.Stats stats) {
            return new RunResult(scenario, status, error, load, latencyCurve, serverDelta, loopConnections,
                    loopRequests, fairness, emptyWakeupsPerAccept, poolWorkers, serverCost, fairnessSource,
                    notComparable, latencyHistogram, stats);
        }

        /** The figure of the table's column {@code label}: the median over the repeats when there were some. */
        public double figure(String label, double single) {
            Repeats.Figure f = repeats == null ? null : repeats.figures().get(label);
            return f == null ? single : f.median();
        }

        public RunResult {
            // Results files written before these fields existed read back as null.
            poolWorkers = poolWorkers == null ? List.of() : List.copyOf(poolWorkers);
            latencyCurve = List.copyOf(latencyCurve);
            // Copies that keep the order: the JSON lists loops as the server named them.
            serverDelta = Collections.unmodifiableMap(new LinkedHashMap<>(serverDelta));
            loopConnections = Collections.unmodifiableMap(new LinkedHashMap<>(loopConnections));
            loopRequests = Collections.unmodifiableMap(new LinkedHashMap<>(loopRequests));
        }
    }

    /** The dynamic pool's size {@code secondsIn} after the run started (warm-up included). */
    public record PoolSample(double secondsIn, int workers) {
    }

    /** Latency (microseconds) at a percentile. */
    public record Point(double percentile, double latencyUs) {
    }
}
