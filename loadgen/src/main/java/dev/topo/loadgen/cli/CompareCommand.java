package dev.topo.loadgen.cli;

import dev.topo.loadgen.compare.Baseline;
import dev.topo.loadgen.compare.CompareRunner;
import dev.topo.loadgen.compare.Placement;
import dev.topo.loadgen.compare.Results;
import dev.topo.loadgen.compare.Scenario;
import dev.topo.loadgen.compare.TransportVariants;
import dev.topo.loadgen.compare.Verdicts;
import dev.topo.loadgen.compare.render.BaselineText;
import dev.topo.loadgen.compare.render.Charts;
import dev.topo.loadgen.compare.render.HtmlReport;
import dev.topo.loadgen.compare.render.ServerTable;
import dev.topo.loadgen.compare.render.Table;
import dev.topo.loadgen.compare.render.VerdictText;
import dev.topo.loadgen.engine.InvalidValueException;
import dev.topo.loadgen.engine.LoadListener;
import dev.topo.loadgen.engine.Warmup;
import dev.topo.loadgen.report.JsonReport;
import dev.topo.loadgen.report.ProgressListener;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * {@code topo compare}: every configuration under every scenario, one server process at a time, written as a
 * console table, {@code results.json}, {@code index.html} and PNG charts.
 */
@Command(name = "topo compare", mixinStandardHelpOptions = true, versionProvider = LoadCommand.Version.class,
        sortOptions = false, usageHelpAutoWidth = true,
        description = "Runs each server configuration under each scenario and compares them.",
        exitCodeListHeading = "Exit codes:%n",
        exitCodeList = {"0:every configuration ran (or was skipped)", "1:a configuration failed (see the report)",
                "2:bad input"})
public final class CompareCommand implements Callable<Integer> {

    static final String DEFAULT_CMD =
            "{java} -jar {jar} --config {config} --host 127.0.0.1 --port {port} --admin-port {adminPort}";

    @Option(names = "--configs", arity = "1..*", paramLabel = "FILE|DIR", defaultValue = "config",
            description = "Server configurations: YAML files, or directories of them (scenarios.yaml excluded). "
                    + "Default: ${DEFAULT-VALUE}")
    private List<Path> configs;

    @Option(names = "--scenarios", paramLabel = "FILE", defaultValue = "config/scenarios.yaml",
            description = "Scenario file. Default: ${DEFAULT-VALUE}")
    private Path scenariosFile;

    @Option(names = "--scenario", paramLabel = "NAME", split = ",",
            description = "Run only these scenarios (repeatable or comma-separated)")
    private List<String> only = new ArrayList<>();

    @Option(names = {"-d", "--duration"}, paramLabel = "DURATION", defaultValue = "10s",
            converter = DurationConverter.class, description = "Measured time per scenario. Default: ${DEFAULT-VALUE}")
    private Duration duration;

    // auto by default: a fresh server JVM needs 5-7 s here to reach its steady speed, and a fixed 2 s measured its
    // JIT as much as its topology.
    @Option(names = "--warmup", paramLabel = "auto|DURATION", defaultValue = "auto",
            converter = WarmupConverter.class,
            description = "Load before each measurement, discarded: a fixed time, or auto (until two 1 s windows "
                    + "agree within 5%%, at most 10s). Default: ${DEFAULT-VALUE}")
    private Warmup warmup;

    @Option(names = "--repeat", paramLabel = "N", defaultValue = "1",
            description = "Measure every configuration x scenario N times, interleaved across configurations; the "
                    + "table shows medians, and differences inside the spread of the runs are ties. Default: "
                    + "${DEFAULT-VALUE}")
    private int repeat;

    @Option(names = "--switch-live",
            description = "One server JVM for every configuration, switched from one to the next live (POST "
                    + "/reload) rather than started anew: one warm JVM, no start-up charged to whoever runs first.")
    private boolean switchLive;

    @Option(names = "--transports", paramLabel = "LIST", split = ",",
            description = "Run each configuration served by event loops on each of these transports (epoll, "
                    + "io_uring, nio, auto): rows NAME@TRANSPORT, from copies of its file written to OUT/configs. "
                    + "Kinds served by blocking threads run once.")
    private List<String> transports = List.of();

    @Option(names = "--out", paramLabel = "DIR", defaultValue = "report",
            description = "Report directory. Default: ${DEFAULT-VALUE}")
    private Path out;

    @Option(names = "--baseline", paramLabel = "FILE", description = "An earlier results.json to compare against")
    private Path baseline;

    @Option(names = "--server-cmd", paramLabel = "TEMPLATE",
            description = "Command that starts one server; placeholders {java} {jar} {config} {configName} {host} "
                    + "{port} {adminPort} {serverCpus}. Default: " + DEFAULT_CMD)
    private String serverCmd;

    @Option(names = "--server-jar", paramLabel = "FILE",
            description = "Server jar for {jar}. Default: server/target/topo-server.jar (or ../server/...)")
    private Path serverJar;

    @Option(names = "--server-cpus", paramLabel = "LIST", description = "taskset CPU list of the server")
    private String serverCpus;

    @Option(names = "--client-cpus", paramLabel = "LIST", description = "taskset CPU list of the load generator")
    private String clientCpus;

    @Option(names = "--no-pin", description = "Do not pin server and load generator to disjoint CPUs")
    private boolean noPin;

    @Option(names = "--include-per-connection",
            description = "Also run process-per-connection configurations (a JVM per connection: slow)")
    private boolean includePerConnection;

    @Option(names = "--ready-timeout", paramLabel = "DURATION", defaultValue = "60s",
            converter = DurationConverter.class, description = "Wait this long for a server. Default: ${DEFAULT-VALUE}")
    private Duration readyTimeout;

    public static void main(String[] args) {
        System.exit(commandLine().execute(args));
    }

    /** The configured command line: bad options are one line, like the rest of compare's bad input, and exit 2. */
    public static CommandLine commandLine() {
        CommandLine cl = new CommandLine(new CompareCommand());
        cl.setParameterExceptionHandler((ex, args) -> {
            System.err.println("topo compare: " + OptionErrors.describe(ex));
            return LoadCommand.BAD_INPUT;
        });
        return cl;
    }

    @Override
    public Integer call() throws Exception {
        CompareRunner.Options options;
        try {
            options = options();
        } catch (IllegalArgumentException | IOException e) {
            System.err.println("topo compare: " + e.getMessage());
            return LoadCommand.BAD_INPUT;
        }
        Files.createDirectories(out);
        // On a terminal, a line rewritten each second: a full compare runs for minutes.
        LoadListener live = Terminal.stderrIsTerminal() ? new ProgressListener(System.err) : LoadListener.NONE;
        Results.Document doc = new CompareRunner(options, System.err, live).run();
        List<Baseline.Change> changes = null;
        List<String> mismatches = List.of();
        if (baseline != null) {
            changes = Baseline.compare(baseline, doc);
            mismatches = Baseline.mismatches(baseline, doc);
        }
        JsonReport.mapper().writeValue(out.resolve("results.json").toFile(), doc);
        Table table = new Table(doc);
        List<Charts.Chart> charts = Charts.write(doc, out);
        HtmlReport.write(doc, table, charts, changes, mismatches, out);
        System.out.print(table.render());
        System.out.print(new ServerTable(doc).render());
        System.out.print(VerdictText.render(Verdicts.of(doc)));
        doc.configs().stream().filter(c -> !c.status().equals(Results.OK))
                .forEach(c -> System.out.println(c.name() + ": " + c.status() + ": " + c.error()));
        if (changes != null) {
            System.out.print(BaselineText.render(changes, mismatches));
        }
        System.out.println("report: " + out.resolve("index.html") + " (results.json, " + charts.size() + " charts)");
        return doc.configs().stream().anyMatch(c -> c.status().equals(Results.FAILED)) ? 1 : 0;
    }

    private CompareRunner.Options options() throws IOException {
        if (duration.isZero() || duration.isNegative()) {
            throw new InvalidValueException("--duration", InvalidValueException.duration(duration), "> 0");
        }
        if (repeat < 1) {
            throw new InvalidValueException("--repeat", String.valueOf(repeat), ">= 1");
        }
        if (!Files.isRegularFile(scenariosFile)) {
            throw new InvalidValueException("--scenarios", quoted(scenariosFile), "an existing file");
        }
        if (baseline != null && !Files.isRegularFile(baseline)) {
            throw new InvalidValueException("--baseline", quoted(baseline), "an existing results.json");
        }
        List<Scenario> scenarios = Scenario.load(scenariosFile);
        if (!only.isEmpty()) {
            for (String name : only) {
                if (scenarios.stream().noneMatch(s -> s.name().equals(name))) {
                    throw new InvalidValueException("--scenario", InvalidValueException.quoted(name), "one of "
                            + scenarios.stream().map(Scenario::name).collect(Collectors.joining(", ")) + " (in "
                            + scenariosFile + ")");
                }
            }
            scenarios = scenarios.stream().filter(s -> only.contains(s.name())).toList();
        }
        List<Path> files = new ArrayList<>();
        for (Path p : configs) {
            if (Files.isDirectory(p)) {
                try (Stream<Path> s = Files.list(p)) {
                    s.filter(f -> f.toString().endsWith(".yaml") && !f.getFileName().toString().startsWith("scenarios"))
                            .sorted().forEach(files::add);
                }
            } else if (Files.isRegularFile(p)) {
                // `--configs config/*.yaml` expands to the scenario file too: it is not a server configuration.
                if (!p.getFileName().toString().startsWith("scenarios") && !Files.isSameFile(p, scenariosFile)) {
                    files.add(p);
                }
            } else {
                throw new InvalidValueException("--configs", quoted(p), "a YAML file or a directory of them");
            }
        }
        if (files.isEmpty()) {
            throw new InvalidValueException("--configs", InvalidValueException.quoted(configs.stream()
                    .map(Path::toString).collect(Collectors.joining(" "))), "at least one server configuration "
                    + "(*.yaml, not the scenario file)");
        }
        if (!transports.isEmpty()) {
            files = TransportVariants.of(files, TransportVariants.parse(transports), out.resolve("configs"));
        }
        String template = serverCmd == null ? DEFAULT_CMD : serverCmd;
        Path jar = serverJar != null ? serverJar : Stream.of("server/target/topo-server.jar",
                "../server/target/topo-server.jar").map(Path::of).filter(Files::isRegularFile).findFirst()
                .orElse(Path.of("server/target/topo-server.jar"));
        if (template.contains("{jar}") && !Files.isRegularFile(jar)) {
            throw new InvalidValueException("--server-jar", quoted(jar.toAbsolutePath()),
                    "an existing file; build it: mvn -B -q -pl server -am package -DskipTests");
        }
        String[] cpus = placement(template);
        if (cpus != null && serverCmd == null) {
            // The default command runs locally, so taskset can pin it; a custom one pins with {serverCpus}.
            template = "taskset -c {serverCpus} " + template;
        }
        String java = ProcessHandle.current().info().command()
                .orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        return new CompareRunner.Options(List.copyOf(files), scenariosFile, scenarios, duration, warmup, template,
                Map.of("java", java, "jar", jar.toAbsolutePath().toString(), "host", "127.0.0.1"),
                includePerConnection, cpus == null ? null : cpus[0], cpus == null ? null : cpus[1], readyTimeout,
                repeat, switchLive);
    }

    private static String quoted(Path p) {
        return InvalidValueException.quoted(p.toString());
    }

    /** {server, client} CPU lists, or null to run unpinned. */
    private String[] placement(String template) {
        if (noPin) {
            return null;
        }
        if ((serverCpus == null) != (clientCpus == null)) {
            throw serverCpus == null
                    ? new InvalidValueException("--server-cpus", "missing", "given with --client-cpus")
                    : new InvalidValueException("--client-cpus", "missing", "given with --server-cpus");
        }
        if (serverCmd != null && !template.contains("{serverCpus}")) {
            // A custom command we cannot pin: pinning only the client would be a lopsided comparison.
            return null;
        }
        if (!Placement.tasksetAvailable()) {
            if (serverCpus != null) {
                throw new InvalidValueException("--server-cpus", InvalidValueException.quoted(serverCpus),
                        "none: pinning needs taskset (util-linux), which is not installed");
            }
            return null;
        }
        if (serverCpus != null) {
            return new String[]{serverCpus, clientCpus};
        }
        return Placement.split(Runtime.getRuntime().availableProcessors());
    }
}
