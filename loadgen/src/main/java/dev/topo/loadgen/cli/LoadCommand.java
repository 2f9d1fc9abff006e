package dev.topo.loadgen.cli;

import dev.topo.loadgen.engine.ClientTransport;
import dev.topo.loadgen.engine.CloseMode;
import dev.topo.loadgen.engine.ConnectionMode;
import dev.topo.loadgen.engine.InvalidValueException;
import dev.topo.loadgen.engine.LoadEngine;
import dev.topo.loadgen.engine.LoadListener;
import dev.topo.loadgen.engine.LoadResult;
import dev.topo.loadgen.engine.LoadSpec;
import dev.topo.loadgen.engine.RequestMix;
import dev.topo.loadgen.engine.Segment;
import dev.topo.loadgen.engine.Summary;
import dev.topo.loadgen.engine.Target;
import dev.topo.loadgen.engine.UnreachableTargetException;
import dev.topo.loadgen.engine.Warmup;
import dev.topo.loadgen.report.CompositeListener;
import dev.topo.loadgen.report.ConsoleReport;
import dev.topo.loadgen.report.CsvReport;
import dev.topo.loadgen.report.HdrLogListener;
import dev.topo.loadgen.report.MeasuredFrom;
import dev.topo.loadgen.report.ProgressListener;
import dev.topo.loadgen.report.ResultJson;
import io.netty.util.ResourceLeakDetector;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.IOException;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;

/** {@code topo load URL [options]}: runs one measurement, prints it, and turns thresholds into an exit code. */
@Command(name = "topo load", mixinStandardHelpOptions = true, versionProvider = LoadCommand.Version.class,
        sortOptions = false, usageHelpAutoWidth = true,
        description = "Load generator for HTTP/1.1 (http://host:port/path) and echo (tcp://host:port) targets.",
        exitCodeListHeading = "Exit codes:%n",
        exitCodeList = {"0:finished, thresholds met", "1:target unreachable", "2:bad input",
                "3:a threshold was not met"},
        footer = "%nThe results of a test split with --segment: topo load merge FILE... (topo load merge --help)")
public final class LoadCommand implements Callable<Integer> {

    public static final int OK = 0;
    public static final int UNREACHABLE = 1;
    public static final int BAD_INPUT = 2;
    public static final int THRESHOLD_FAILED = 3;

    /** The option that sets each spec field, so that an engine message names what the user typed. */
    private static final Map<String, String> OPTION_OF_FIELD = Map.ofEntries(Map.entry("target", "URL"),
            Map.entry("method", "--method"), Map.entry("headers", "--header"), Map.entry("body", "--body"),
            Map.entry("connections", "--connections"), Map.entry("threads", "--threads"),
            Map.entry("pipeline", "--pipeline"), Map.entry("duration", "--duration"), Map.entry("warmup", "--warmup"),
            Map.entry("timeout", "--timeout"), Map.entry("rate", "--rate"),
            Map.entry("connectionMode", "--connection-mode"), Map.entry("connectRate", "--connect-rate"),
            Map.entry("closeMode", "--close"), Map.entry("sourceAddresses", "--source-addresses"),
            Map.entry("mix", "--mix"), Map.entry("mix.path", "--mix PATH"), Map.entry("mix.every", "--mix EVERY"),
            Map.entry("segment", "--segment"), Map.entry("transport", "--transport"));

    @CommandLine.Spec
    private CommandLine.Model.CommandSpec commandSpec;

    @Parameters(index = "0", paramLabel = "URL", description = "http://host:port/path or tcp://host:port")
    private String url;

    @Option(names = {"-c", "--connections"}, paramLabel = "N", defaultValue = "10",
            description = "Connections (per-request mode: concurrent connections). Default: ${DEFAULT-VALUE}")
    private int connections;

    @Option(names = {"-t", "--threads"}, paramLabel = "N", defaultValue = "1",
            description = "Event loop threads. Default: ${DEFAULT-VALUE}")
    private int threads;

    @Option(names = {"-d", "--duration"}, paramLabel = "DURATION",
            defaultValue = "10s", converter = DurationConverter.class,
            description = "Measured time, e.g. 10s, 2m. Default: ${DEFAULT-VALUE}")
    private Duration duration;

    @Option(names = "--warmup", paramLabel = "auto|DURATION", defaultValue = "auto",
            converter = WarmupConverter.class,
            description = "Load before measuring, discarded: auto runs until two 1 s windows agree within 5%% "
                    + "(at most 10s), so a cold client or server is not measured; or a fixed time, 0s for none. "
                    + "Default: ${DEFAULT-VALUE}")
    private Warmup warmup;

    @Option(names = {"-p", "--pipeline"}, paramLabel = "N", defaultValue = "1",
            description = "Requests in flight per keep-alive connection. Default: ${DEFAULT-VALUE}")
    private int pipeline;

    @Option(names = {"-R", "--rate"}, paramLabel = "REQ/S", defaultValue = "0",
            description = "Open loop: requests/s on one global schedule; latency from the intended send time. "
                    + "0 = closed loop.")
    private double rate;

    @Option(names = "--connection-mode", paramLabel = "MODE", defaultValue = "keepalive",
            description = "keepalive or per-request. Default: ${DEFAULT-VALUE}")
    private String connectionMode;

    @Option(names = "--connect-rate", paramLabel = "CONN/S",
            defaultValue = "0", description = "Cap on new connections per second.")
    private double connectRate;

    @Option(names = "--close", paramLabel = "WHO",
            description = "per-request mode: who closes, server (default for http), "
                    + "client, or reset (SO_LINGER 0, default for tcp)")
    private String close;

    @Option(names = "--source-addresses", paramLabel = "ADDRS",
            description = "Local addresses to connect from, round-robin: a list "
                    + "(127.0.0.2,127.0.0.3) or a count N for 127.0.0.1..N (loopback targets only)")
    private String sourceAddresses;

    @Option(names = "--transport", paramLabel = "NAME",
            description = "The client's own I/O: epoll (default where available), io_uring or nio")
    private String transport;

    @Option(names = {"-m", "--method"}, paramLabel = "METHOD",
            defaultValue = "GET", description = "HTTP method. Default: ${DEFAULT-VALUE}")
    private String method;

    @Option(names = {"-H", "--header"}, paramLabel = "HEADER",
            description = "Request header 'Name: value' (repeatable)")
    private List<String> headers = new ArrayList<>();

    @Option(names = {"-b", "--body"}, paramLabel = "BODY",
            description = "Request body, or @file to read it from a file. For tcp:// "
                    + "the echo payload.")
    private String body;

    @Option(names = "--mix", paramLabel = "PATH:EVERY",
            description = "Send PATH instead of the URL's path on every EVERY-th request of each thread, "
                    + "as /work?sleep=50ms:100 (one slow request in a hundred)")
    private String mix;

    @Option(names = "--size", paramLabel = "BYTES",
            description = "tcp:// payload size in bytes when no --body is given. Default: 64")
    private Integer size;

    @Option(names = "--timeout", paramLabel = "DURATION", defaultValue = "5s", converter = DurationConverter.class,
            description = "Connect and response timeout. Default: ${DEFAULT-VALUE}")
    private Duration timeout;

    @Option(names = "--json", paramLabel = "FILE", description = "Write the result as JSON (schema topo-loadgen/1)")
    private Path json;

    @Option(names = "--csv", paramLabel = "FILE", description = "Write the per-second timeline as CSV")
    private Path csv;

    @Option(names = "--hdr-log", paramLabel = "FILE", description = "Write interval histograms (HdrHistogram log)")
    private Path hdrLog;

    @CommandLine.Mixin
    private Thresholds thresholds = new Thresholds();

    @Option(names = {"-q", "--quiet"}, description = "No progress line")
    private boolean quiet;

    @CommandLine.Mixin
    private SegmentOptions split = new SegmentOptions();

    public static void main(String[] args) {
        if (args.length > 0 && args[0].equals("merge")) {
            System.exit(MergeCommand.commandLine().execute(Arrays.copyOfRange(args, 1, args.length)));
        }
        System.exit(commandLine().execute(args));
    }

    static {
        // Leak detection samples buffers with stack traces: measurable at 100k req/s. An explicit
        // -Dio.netty.leakDetection.level still wins.
        if (System.getProperty("io.netty.leakDetection.level") == null) {
            ResourceLeakDetector.setLevel(ResourceLeakDetector.Level.DISABLED);
        }
    }

    /** The configured command line: one-line errors and the exit codes above. */
    public static CommandLine commandLine() {
        return configure(new CommandLine(new LoadCommand()));
    }

    static CommandLine configure(CommandLine cl) {
        cl.setParameterExceptionHandler((ex, args) -> {
            String message = OptionErrors.describe(ex);
            // A value that names what it expected needs no pointer to --help; an unknown option does.
            ex.getCommandLine().getErr().println("error: " + message
                    + (message.equals(ex.getMessage()) ? " (see --help)" : ""));
            return BAD_INPUT;
        });
        cl.setExecutionExceptionHandler((ex, command, parseResult) -> {
            PrintWriter err = command.getErr();
            if (ex instanceof InvalidValueException e) {
                err.println("error: " + e.describedAs(OPTION_OF_FIELD.getOrDefault(e.name(), e.name())));
                return BAD_INPUT;
            }
            if (ex instanceof IllegalArgumentException) {
                err.println("error: " + ex.getMessage());
                return BAD_INPUT;
            }
            err.println("error: " + ex);
            return UNREACHABLE;
        });
        return cl;
    }

    @Override
    public Integer call() throws Exception {
        PrintWriter out = commandSpec.commandLine().getOut();
        PrintWriter err = commandSpec.commandLine().getErr();
        LoadSpec spec = buildSpec();
        thresholds.validate();
        String unreachable = Reachability.preflight(spec);
        if (unreachable != null) {
            err.println("error: " + unreachable);
            return UNREACHABLE;
        }
        if (split.parts > 1) {
            return PartsLauncher.run(commandSpec.commandLine().getParseResult().originalArgs(), split.parts,
                    split.partsDir, json, csv, thresholds, spec.warmup().length().plus(duration), out, err);
        }
        long startAt = split.startEpochMs(spec.segment());
        if (startAt > 0 && System.currentTimeMillis() - startAt > 1000) {
            err.printf(Locale.ROOT, "warning: starting %.1fs after the start time%n",
                    (System.currentTimeMillis() - startAt) / 1000.0);
        }
        MeasuredFrom measuredFrom = new MeasuredFrom();
        List<LoadListener> listeners = new ArrayList<>(List.of(measuredFrom));
        ProgressListener progress = null;
        if (!quiet && Terminal.stderrIsTerminal()) {
            progress = new ProgressListener(new PrintStream(System.err, true, StandardCharsets.UTF_8));
            listeners.add(progress);
        }
        HdrLogListener hdr = null;
        if (hdrLog != null) {
            hdr = new HdrLogListener(hdrLog);
            listeners.add(hdr);
        }
        LoadResult result;
        try {
            result = LoadEngine.runAt(spec, new CompositeListener(listeners), startAt);
        } catch (UnreachableTargetException e) {
            if (progress != null) {
                progress.finish();
            }
            err.println("error: " + e.getMessage());
            return UNREACHABLE;
        } finally {
            if (hdr != null) {
                hdr.close();
            }
        }
        if (progress != null) {
            progress.finish();
        }
        Summary summary = result.summary();
        if (summary.requests() == 0 && summary.connectionsOpened() == 0 && summary.maxOpenConnections() == 0) {
            err.println("error: cannot connect to " + spec.target().hostHeader() + ": "
                    + Reachability.describeErrors(result.summary()));
            return UNREACHABLE;
        }
        ConsoleReport.print(result, out);
        try {
            if (json != null && json.toString().equals("-")) {
                out.println(ResultJson.line(ResultJson.of(result, measuredFrom.epochMs())));
            } else if (json != null) {
                ResultJson.write(ResultJson.of(result, measuredFrom.epochMs()), json);
            }
            if (csv != null) {
                CsvReport.write(result, csv);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return thresholds.check(result.summary(), err);
    }

    LoadSpec buildSpec() {
        Target target = Target.parse(url);
        if (split.parts < 1) {
            throw new InvalidValueException("--parts", String.valueOf(split.parts), ">= 1");
        }
        // With --parts this process only checks the input, as part 0 of the parts it then starts.
        Segment segment = split.parts > 1 ? new Segment(0, split.parts) : split.segment(System.getenv());
        split.startAtMs();
        LoadSpec.Builder b = LoadSpec.builder(target)
                .method(method.toUpperCase(Locale.ROOT))
                .connections(connections)
                .threads(threads)
                .pipeline(pipeline)
                .duration(duration)
                .warmup(SegmentOptions.warmup(warmup, !segment.isWhole(), commandSpec != null
                        && commandSpec.commandLine().getParseResult().hasMatchedOption("--warmup")))
                .segment(segment)
                .timeout(timeout)
                .rate(rate)
                .connectionMode(ConnectionMode.parse(connectionMode))
                .connectRate(connectRate)
                .closeMode(close == null ? null : CloseMode.parse(close))
                .sourceAddresses(OptionValues.parseSources(sourceAddresses, target))
                .mix(mix == null ? null : RequestMix.parse(mix))
                .transport(transport == null ? null : ClientTransport.parse(transport).requireAvailable());
        for (String h : headers) {
            b.header(LoadSpec.Header.parse(h));
        }
        if (body != null) {
            b.body(OptionValues.readBody(body));
        } else if (size != null) {
            if (size < 1) {
                throw new InvalidValueException("--size", String.valueOf(size), ">= 1");
            }
            byte[] payload = new byte[size];
            java.util.Arrays.fill(payload, (byte) 'x');
            b.body(payload);
        }
        return b.build();
    }

    /** Reads the version from the jar manifest. */
    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String v = LoadCommand.class.getPackage().getImplementationVersion();
            return new String[]{"topo-loadgen " + (v == null ? "dev" : v)};
        }
    }
}
