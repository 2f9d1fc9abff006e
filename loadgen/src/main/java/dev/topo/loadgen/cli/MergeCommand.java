package dev.topo.loadgen.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.topo.loadgen.engine.InvalidValueException;
import dev.topo.loadgen.merge.PartFiles;
import dev.topo.loadgen.merge.ResultMerge;
import dev.topo.loadgen.report.ConsoleReport;
import dev.topo.loadgen.report.CsvReport;
import dev.topo.loadgen.report.JsonReport;
import dev.topo.loadgen.report.ResultJson;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;

/**
 * {@code topo load merge FILE...}: the results of the parts of one test as the result of the whole, printed and
 * written as a single run's, with the thresholds applied to the whole.
 */
@Command(name = "topo load merge", mixinStandardHelpOptions = true, sortOptions = false, usageHelpAutoWidth = true,
        description = "Merge the results of the parts of one test (topo load --segment I/N --json FILE, and their "
                + "--hdr-log files) into the result of the whole test.",
        exitCodeListHeading = "Exit codes:%n",
        exitCodeList = {"0:merged, thresholds met", "2:bad input", "3:a threshold was not met"})
public final class MergeCommand implements Callable<Integer> {

    @CommandLine.Spec
    private CommandLine.Model.CommandSpec commandSpec;

    @Parameters(paramLabel = "FILE", arity = "1..*",
            description = "A part's JSON result, a log holding results one per line (--json -), an HdrHistogram "
                    + "log of a part (for the timeline's percentiles), or - for standard input")
    private List<String> files = new ArrayList<>();

    @Option(names = "--json", paramLabel = "FILE", description = "Write the merged result as JSON; - for one line "
            + "on standard output")
    private Path json;

    @Option(names = "--csv", paramLabel = "FILE", description = "Write the merged per-second timeline as CSV")
    private Path csv;

    /** Applied to the merged result: the whole test's error rate and p99, not any part's. */
    @CommandLine.Mixin
    private Thresholds thresholds = new Thresholds();

    public static void main(String[] args) {
        System.exit(commandLine().execute(args));
    }

    /** The configured command line: the same one-line errors and exit codes as {@code topo load}. */
    public static CommandLine commandLine() {
        return LoadCommand.configure(new CommandLine(new MergeCommand()));
    }

    /** Merges from {@code --parts}: the parts' files, and the user's outputs and thresholds. */
    static MergeCommand of(List<Path> parts, Path json, Path csv, Thresholds thresholds) {
        MergeCommand m = new MergeCommand();
        parts.forEach(p -> m.files.add(p.toString()));
        m.json = json;
        m.csv = csv;
        m.thresholds = thresholds;
        return m;
    }

    @Override
    public Integer call() throws IOException {
        return run(commandSpec.commandLine().getOut(), commandSpec.commandLine().getErr());
    }

    int run(PrintWriter out, PrintWriter err) throws IOException {
        thresholds.validate();
        PartFiles inputs = new PartFiles();
        for (String f : files) {
            byte[] content;
            try {
                content = f.equals("-") ? System.in.readAllBytes() : Files.readAllBytes(Path.of(f));
            } catch (IOException e) {
                throw new InvalidValueException("FILE", InvalidValueException.quoted(f), "a file that can be read");
            }
            inputs.read(f.equals("-") ? "stdin" : f, content);
        }
        ResultMerge.Merged merged = ResultMerge.merge(inputs.results(), inputs.logs());
        ConsoleReport.print(merged.result(), out);
        printParts(merged, inputs.logs().logs(), out);
        if (json != null) {
            ObjectNode doc = ResultJson.of(merged.result(), merged.measuredFromEpochMs());
            doc.set("parts", JsonReport.mapper().valueToTree(merged.parts()));
            if (json.toString().equals("-")) {
                out.println(ResultJson.line(doc));
            } else {
                ResultJson.write(doc, json);
            }
        }
        if (csv != null) {
            CsvReport.write(merged.result(), csv);
        }
        out.flush();
        return thresholds.check(merged.result().summary(), err);
    }

    private static void printParts(ResultMerge.Merged merged, int logs, PrintWriter out) {
        out.printf(Locale.ROOT, "Merged %d parts over %.3fs%s; timeline percentiles %s%n", merged.parts().size(),
                merged.result().summary().durationSeconds(), merged.measuredFromEpochMs() > 0
                        ? " from " + Instant.ofEpochMilli(merged.measuredFromEpochMs()) : "",
                logs > 0 ? "from " + logs + " HdrHistogram logs" : "are the worst part's (no HdrHistogram log given)");
        out.printf(Locale.ROOT, "  %-8s %10s %12s %12s %10s %10s %8s  %s%n", "segment", "requests", "req/s",
                "requested", "p99", "max", "errors", "file");
        for (ResultMerge.PartFigures p : merged.parts()) {
            out.printf(Locale.ROOT, "  %-8s %10d %12.1f %12.1f %8.3fms %8.3fms %8d  %s%n", p.segment(), p.requests(),
                    p.achievedRate(), p.requestedRate(), p.p99Us() / 1000, p.maxUs() / 1000, p.errorsTotal(),
                    p.source());
        }
    }
}
