package dev.topo.loadgen.cli;

import dev.topo.loadgen.engine.Summary;
import picocli.CommandLine.Option;

import java.io.PrintWriter;
import java.time.Duration;
import java.util.Locale;

/**
 * {@code --max-error-rate} and {@code --max-p99}: the limits a result is held to, the same for a run and for the
 * merged result of a split one, turned into exit code 3 when broken.
 */
final class Thresholds {

    @Option(names = "--max-error-rate", paramLabel = "RATE",
            description = "Fail (exit 3) above this error rate: 0.01 or 1%%")
    String maxErrorRate;

    @Option(names = "--max-p99", paramLabel = "DURATION", converter = DurationConverter.class,
            description = "Fail (exit 3) when the p99 latency is above this, e.g. 50ms")
    Duration maxP99;

    /** Refuses a malformed limit before anything runs. */
    void validate() {
        OptionValues.parseErrorRate(maxErrorRate);
    }

    /** {@link LoadCommand#OK}, or {@link LoadCommand#THRESHOLD_FAILED} with a line on {@code err} per broken limit. */
    int check(Summary s, PrintWriter err) {
        int code = LoadCommand.OK;
        double maxErrors = OptionValues.parseErrorRate(maxErrorRate);
        if (maxErrorRate != null && s.errorRate() > maxErrors) {
            err.printf(Locale.ROOT, "threshold failed: error rate %.4f%% > %.4f%%%n", s.errorRate() * 100,
                    maxErrors * 100);
            code = LoadCommand.THRESHOLD_FAILED;
        }
        if (maxP99 != null && s.latency().p99Us() * 1000 > maxP99.toNanos()) {
            err.printf(Locale.ROOT, "threshold failed: p99 %.3fms > %.3fms%n", s.latency().p99Us() / 1000,
                    maxP99.toNanos() / 1e6);
            code = LoadCommand.THRESHOLD_FAILED;
        }
        return code;
    }
}
