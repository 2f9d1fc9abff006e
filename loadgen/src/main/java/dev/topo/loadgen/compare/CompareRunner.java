package dev.topo.loadgen.compare;

import dev.topo.config.ConfigException;
import dev.topo.loadgen.engine.IntervalHistograms;
import dev.topo.loadgen.engine.LoadEngine;
import dev.topo.loadgen.engine.LoadListener;
import dev.topo.loadgen.engine.LoadResult;
import dev.topo.loadgen.engine.LoadSpec;
import dev.topo.loadgen.engine.ResultDocument;
import dev.topo.loadgen.engine.TimelinePoint;
import dev.topo.loadgen.engine.UnreachableTargetException;
import dev.topo.loadgen.engine.Warmup;
import dev.topo.loadgen.engine.WarmupWindow;
import dev.topo.loadgen.stats.EncodedHistogram;
import org.HdrHistogram.Histogram;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.PrintStream;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** Runs every configuration under every applicable scenario, one server process at a time. */
public final class CompareRunner {

    private static final Logger LOG = LoggerFactory.getLogger(CompareRunner.class);
    /** The pool sampler's period: the dynamic pool itself resizes at most once a second. */
    static final long POOL_SAMPLE_MILLIS = 1000;
    /** Percentiles of the latency curve: HdrHistogram's plot, a point per "nine". */
    static final double[] CURVE = {0, 50, 75, 90, 95, 99, 99.5, 99.9, 99.95, 99.99, 99.995, 99.999};

    /**
     * @param serverCommand        template with {java}, {jar}, {config}, {configName}, {host}, {port}, {adminPort},
     *                             {serverCpus}
     * @param includePerConnection run process-per-connection configurations (a JVM per connection) instead of
     *                             listing them as skipped
     * @param serverCpus           taskset list for the server; null runs it unpinned
     * @param clientCpus           taskset list for this JVM; null leaves it where it is
     */
    public record Options(List<Path> configs, Path scenariosFile, List<Scenario> scenarios, Duration duration,
                          Warmup warmup, String serverCommand, Map<String, String> placeholders,
                          boolean includePerConnection, String serverCpus, String clientCpus,
                          Duration readyTimeout, int repeat, boolean switchLive) {
    }

    private final Options options;
    private final PrintStream progress;
    /** Told of each run's warm-up windows and seconds: a live line on a terminal, so a 10 s run is not silent. */
    private final LoadListener live;
    /** With {@code switchLive}: the one server, once started. */
    private SwitchedServer switched;

    public CompareRunner(Options options, PrintStream progress) {
        this(options, progress, LoadListener.NONE);
    }

    /** {@code live} writes on {@code progress} and leaves its line for this runner's next line to clear. */
    public CompareRunner(Options options, PrintStream progress, LoadListener live) {
        this.options = options;
        this.progress = progress;
        this.live = live;
    }

    public Results.Document run() throws InterruptedException {
        String started = Instant.now().toString();
        String restoreCpus = null;
        boolean pinned = false;
        if (options.clientCpus() != null) {
            restoreCpus = Placement.currentClientCpus();
            pinned = Placement.pinClient(options.clientCpus()) && options.serverCpus() != null;
        }
        List<Results.ConfigResult> configs = new ArrayList<>();
        try {
            // Interleaved: round r runs every configuration once, so a slow minute of the machine falls on all.
            List<List<Results.ConfigResult>> attempts = new ArrayList<>();
            options.configs().forEach(f -> attempts.add(new ArrayList<>()));
            for (int round = 1; round <= options.repeat(); round++) {
                if (options.repeat() > 1) {
                    progress.printf("compare: round %d of %d%n", round, options.repeat());
                }
                for (int i = 0; i < options.configs().size(); i++) {
                    List<Results.ConfigResult> mine = attempts.get(i);
                    // A configuration that failed or was skipped would only do so again.
                    if (mine.isEmpty() || mine.get(0).status().equals(Results.OK)) {
                        mine.add(runConfig(options.configs().get(i)));
                    }
                }
            }
            attempts.forEach(a -> configs.add(Repeats.mergeConfig(a, options.scenarios())));
        } finally {
            if (switched != null) {
                switched.server.stop(Duration.ofSeconds(15));
                switched = null;
            }
            if (restoreCpus != null) {
                // This JVM may go on (tests share one): give it its CPUs back.
                Placement.pinClient(restoreCpus);
            }
        }
        String note = pinned ? "server under taskset -c " + options.serverCpus() + ", load generator moved with taskset"
                : options.serverCpus() == null ? "not pinned (fewer than 2 CPUs, no taskset, or --no-pin)"
                : "pinning failed: see the log";
        Results.Placement placement = new Results.Placement(pinned, pinned ? options.serverCpus() : "",
                pinned ? options.clientCpus() : "", note);
        Runtime rt = Runtime.getRuntime();
        Results.Machine machine = new Results.Machine(rt.availableProcessors(), System.getProperty("os.name"),
                Placement.kernel(), System.getProperty("os.arch"),
                System.getProperty("java.vm.name") + " " + System.getProperty("java.vm.version"),
                System.getProperty("java.version"));
        String version = CompareRunner.class.getPackage().getImplementationVersion();
        return new Results.Document(Results.SCHEMA, version == null ? "dev" : version, started,
                Instant.now().toString(), machine, placement,
                new Results.Options(options.duration().toMillis() / 1e3, options.warmup().label(),
                        options.warmup().length().toMillis() / 1e3, options.serverCommand(),
                        options.configs().stream().map(Path::toString).toList(),
                        options.scenariosFile() == null ? null : options.scenariosFile().toString(),
                        options.repeat(), options.switchLive()),
                options.scenarios(), configs);
    }

    private Results.ConfigResult runConfig(Path file) throws InterruptedException {
        ConfigFile cfg;
        try {
            cfg = ConfigFile.read(file);
        } catch (ConfigException e) {
            // The server would print this very message and exit 2: no need to start it to know.
            progress.printf("compare: %s FAILED: %s%n", ConfigFile.nameOf(file), oneLine(e));
            return failed(ConfigFile.nameOf(file), file, "?", "?", oneLine(e), List.of());
        }
        if (cfg.kind().startsProcessPerConnection() && !options.includePerConnection()) {
            progress.printf("compare: %s skipped (a JVM per connection; --include-per-connection runs it)%n",
                    cfg.name());
            return skipped(cfg,
                    "process-per-connection starts a JVM per connection; pass --include-per-connection to run it");
        }
        List<Scenario> applicable = options.scenarios().stream()
                .filter(s -> s.protocol().equals(cfg.protocol().yamlName())).toList();
        if (applicable.isEmpty()) {
            return skipped(cfg, "no scenario for protocol " + cfg.protocol().yamlName());
        }
        List<Results.RunResult> runs = new ArrayList<>();
        if (options.switchLive()) {
            return runSwitched(cfg, file, applicable);
        }
        Started started = start(cfg, file);
        if (started.failure() != null) {
            return failed(cfg, started.failure(), runs);
        }
        ServerProcess server = started.server();
        int[] ports = started.ports();
        try {
            String failure = null;
            for (Scenario s : applicable) {
                if (!server.isAlive()) {
                    failure = "server exited during the runs; last output: " + server.tail();
                    runs.add(Results.RunResult.failed(s.name(), "server not running"));
                    continue;
                }
                runs.add(runScenario(cfg.name(), server, ports, s));
            }
            int code = server.stop(Duration.ofSeconds(15));
            if (failure == null && code != 0) {
                failure = "server exited with code " + code + " on SIGTERM (expected 0)";
            }
            String status = failure == null ? Results.OK : Results.FAILED;
            return new Results.ConfigResult(cfg.name(), file.toString(), cfg.kind().yamlName(),
                    cfg.protocol().yamlName(), status, failure, server.readyLine(), runs);
        } finally {
            server.stop(Duration.ofSeconds(15));
        }
    }

    /** A started server, or why it is not. */
    private record Started(ServerProcess server, int[] ports, String failure) {
    }

    /** Starts the server command on {@code file} and waits until it is ready. */
    private Started start(ConfigFile cfg, Path file) throws InterruptedException {
        ServerProcess server;
        try {
            List<String> argv = ServerProcess.command(options.serverCommand(), options.placeholders(),
                    options.serverCpus(), file);
            server = ServerProcess.start(argv);
        } catch (IOException | RuntimeException e) {
            return new Started(null, null, "cannot start the server: " + oneLine(e));
        }
        try {
            int[] ports = server.awaitReady(options.readyTimeout());
            progress.printf("compare: %s ready (pid %d, port %d, admin %d)%n", cfg.name(), server.pid(), ports[0],
                    ports[1]);
            return new Started(server, ports, null);
        } catch (IOException e) {
            server.stop(Duration.ofSeconds(15));
            progress.printf("compare: %s FAILED to start: %s%n", cfg.name(), oneLine(e));
            return new Started(null, null, "server not ready: " + oneLine(e));
        }
    }

    /**
     * {@code --switch-live}: the first configuration starts the server on a file of its own; each next one is
     * copied over that file and switched to live. A switch that fails fails that configuration only.
     */
    private Results.ConfigResult runSwitched(ConfigFile cfg, Path file, List<Scenario> applicable)
            throws InterruptedException {
        List<Results.RunResult> runs = new ArrayList<>();
        String readyLine;
        try {
            if (switched == null) {
                Path liveFile = SwitchedServer.fileFor(file);
                Started started = start(cfg, liveFile);
                if (started.failure() != null) {
                    return failed(cfg, started.failure(), runs);
                }
                switched = new SwitchedServer(started.server(), started.ports(), liveFile);
                readyLine = started.server().readyLine();
            } else {
                SwitchedServer.Switch result = switched.switchTo(file, options.readyTimeout());
                if (!result.switched()) {
                    progress.printf("compare: %s FAILED to switch live: %s%n", cfg.name(), result.answer());
                    return failed(cfg, "live switch failed: " + result.answer(), runs);
                }
                readyLine = "switched live: " + result.answer();
                progress.printf("compare: %s switched live (pid %d)%n", cfg.name(), switched.server.pid());
            }
        } catch (IOException e) {
            return failed(cfg, "live switch failed: " + oneLine(e), runs);
        }
        for (Scenario s : applicable) {
            if (!switched.server.isAlive()) {
                runs.add(Results.RunResult.failed(s.name(), "server not running"));
                return failed(cfg, "server exited during the runs; last output: " + switched.server.tail(), runs);
            }
            runs.add(runScenario(cfg.name(), switched.server, switched.ports, s));
        }
        return new Results.ConfigResult(cfg.name(), file.toString(), cfg.kind().yamlName(),
                cfg.protocol().yamlName(), Results.OK, null, readyLine, runs);
    }

    private Results.RunResult runScenario(String config, ServerProcess server, int[] ports, Scenario s)
            throws InterruptedException {
        LoadSpec spec = s.spec("127.0.0.1", ports[0], options.duration(), options.warmup());
        // Scraped again when the warm-up ends, so the server's deltas cover the measured part only.
        Map<String, Double> atStart = scrape(server, ports[1]);
        @SuppressWarnings("unchecked")
        Map<String, Double>[] before = new Map[]{atStart};
        ServerCost.Sample[] costBefore = {ServerCost.read(server.pid())};
        LoadListener listener = new LoadListener() {
            @Override
            public void onStart(LoadSpec spec, String transport) {
                live.onStart(spec, transport);
            }

            @Override
            public void onWarmupWindow(WarmupWindow window) {
                live.onWarmupWindow(window);
            }

            @Override
            public void onInterval(TimelinePoint point, IntervalHistograms histograms) {
                live.onInterval(point, histograms);
            }

            @Override
            public void onWarmupEnd() {
                live.onWarmupEnd();
                costBefore[0] = ServerCost.read(server.pid());
                try {
                    before[0] = scrape(server, ports[1]);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        };
        LoadResult result;
        // Only a server with a dynamic pool gets the sampler: the others would be scraped each second for nothing.
        PoolSampler pool = ServerFigures.poolWorkers(atStart) < 0 ? null
                : PoolSampler.start(() -> scrapeQuietly(server, ports[1]), POOL_SAMPLE_MILLIS);
        try {
            result = LoadEngine.run(spec, listener);
        } catch (UnreachableTargetException | RuntimeException e) {
            progress.printf("compare: %s / %s FAILED: %s%n", config, s.name(), oneLine(e));
            return Results.RunResult.failed(s.name(), oneLine(e));
        } finally {
            if (pool != null) {
                pool.close();
            }
            if (live != LoadListener.NONE) {
                // Clears the live line: the run's own summary line comes next.
                progress.print("\r\033[K");
            }
        }
        var sum = result.summary();
        ServerCost.Figures cost = ServerCost.Figures.of(costBefore[0], ServerCost.read(server.pid()), sum.requests(),
                sum.connectionsOpened());
        Map<String, Double> after = scrape(server, ports[1]);
        // Connections from the start: keep-alive connections are all opened during the warm-up.
        Map<String, Long> loopConnections =
                Metrics.perLoop(atStart, after, "topo_loop_connections_accepted_total");
        Map<String, Long> loopRequests = Metrics.perLoop(before[0], after, "topo_loop_requests_total");
        // Fairness is a spread over loops: with one loop it is 1 by definition and says nothing, hence n/a.
        double jain = loopConnections.size() >= 2 ? Metrics.jain(loopConnections.values()) : Double.NaN;
        String fairnessSource = Double.isNaN(jain) ? null : "server";
        if (loopConnections.isEmpty() && result.spread().loop().connections().n() >= 2) {
            jain = result.spread().loop().connections().jain();
            fairnessSource = "client";
        }
        progress.printf(Locale.ROOT, "compare:   %-10s %10.0f req/s  p99 %9.0f us  errors %d%s%n", s.name(),
                sum.achievedRate(), sum.latency().p99Us(), sum.errorsTotal(), cost == null ? ""
                        : String.format(Locale.ROOT, "  server cpu %.1f us/req", cost.cpuUsPerRequest()));
        return new Results.RunResult(s.name(), Results.OK, null, ResultDocument.of(result),
                curve(result.histograms().latency()), Metrics.delta(before[0], after), loopConnections, loopRequests,
                Double.isNaN(jain) ? null : jain, ServerFigures.herd(before[0], after),
                pool == null ? List.of() : pool.samples(), cost, Double.isNaN(jain) ? null : fairnessSource,
                LikeWithLike.notComparable(s.rate(), sum.achievedRate()),
                EncodedHistogram.encode(result.histograms().latency()), null);
    }

    /** For the sampler thread, which is stopped by an interrupt: a scrape cut short is a gap in the series. */
    private static Map<String, Double> scrapeQuietly(ServerProcess server, int adminPort) {
        try {
            return scrape(server, adminPort);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Map.of();
        }
    }

    static List<Results.Point> curve(Histogram h) {
        List<Results.Point> out = new ArrayList<>();
        if (h == null || h.getTotalCount() == 0) {
            return out;
        }
        for (double p : CURVE) {
            out.add(new Results.Point(p, h.getValueAtPercentile(p) / 1000.0));
        }
        out.add(new Results.Point(100, h.getMaxValue() / 1000.0));
        return out;
    }

    private static Map<String, Double> scrape(ServerProcess server, int adminPort) throws InterruptedException {
        try {
            HttpResponse<String> r = server.get(adminPort, "/metrics");
            return r.statusCode() == 200 ? Metrics.parse(r.body()) : Map.of();
        } catch (IOException e) {
            // No metrics means no server deltas and no fairness, not a failed run.
            LOG.warn("cannot scrape /metrics on admin port {}: {}", adminPort, e.toString());
            return Map.of();
        }
    }

    private static Results.ConfigResult skipped(ConfigFile cfg, String why) {
        return new Results.ConfigResult(cfg.name(), cfg.file().toString(), cfg.kind().yamlName(),
                cfg.protocol().yamlName(), Results.SKIPPED, why, "", List.of());
    }

    private static Results.ConfigResult failed(ConfigFile cfg, String why, List<Results.RunResult> runs) {
        return failed(cfg.name(), cfg.file(), cfg.kind().yamlName(), cfg.protocol().yamlName(), why, runs);
    }

    private static Results.ConfigResult failed(String name, Path file, String kind, String protocol, String why,
                                               List<Results.RunResult> runs) {
        return new Results.ConfigResult(name, file.toString(), kind, protocol, Results.FAILED, why, "",
                List.copyOf(runs));
    }


    static String oneLine(Throwable e) {
        String m = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        return m.replace('\n', ' ');
    }
}
