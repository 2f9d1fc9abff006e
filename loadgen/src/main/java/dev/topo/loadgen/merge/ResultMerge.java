package dev.topo.loadgen.merge;

import dev.topo.loadgen.engine.ErrorKind;
import dev.topo.loadgen.engine.InvalidValueException;
import dev.topo.loadgen.engine.LoadResult;
import dev.topo.loadgen.engine.ResultDocument;
import dev.topo.loadgen.engine.Summary;
import dev.topo.loadgen.stats.Histograms;
import dev.topo.loadgen.stats.LatencyStats;
import dev.topo.loadgen.stats.Spread;
import dev.topo.loadgen.stats.SpreadCounter;
import dev.topo.loadgen.stats.SpreadTable;
import org.HdrHistogram.Histogram;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.function.Function;

/**
 * The parts of one test added into the result of the whole: histograms added (never percentiles averaged),
 * counters, status classes and errors by kind summed, the spread over the server's listeners and loops merged from
 * the parts' counts, the rate recomputed over the common window (from the first part's start to the last part's
 * end on the wall clock), and each part's own figures kept beside the total.
 */
public final class ResultMerge {

    private ResultMerge() {
    }

    /**
     * One part's figures, beside the merged total.
     *
     * @param source             the file it was read from
     * @param segment            {@code I/N}
     * @param measuredFromEpochMs its measurement's start on the wall clock
     */
    public record PartFigures(String source, String segment, long measuredFromEpochMs, double durationSeconds,
                              long requests, double requestedRate, double achievedRate, double p50Us, double p99Us,
                              double maxUs, long errorsTotal, double errorRate) {
    }

    /**
     * The merged result, as a single run's, with the parts' figures.
     *
     * @param measuredFromEpochMs the earliest part's start, 0 when a part does not say
     */
    public record Merged(LoadResult result, long measuredFromEpochMs, List<PartFigures> parts) {
    }

    /** Adds {@code parts} (at least one); {@code logs} holds their interval histograms, if any were given. */
    public static Merged merge(List<PartResult> parts, IntervalLog logs) {
        if (parts.isEmpty()) {
            throw new InvalidValueException("FILE", "none", "the JSON results of the parts of one test");
        }
        checkOneTest(parts);
        PartResult first = parts.get(0);
        Histogram[] total = new Histogram[4];
        for (int k = 0; k < 4; k++) {
            total[k] = Histograms.newHistogram();
        }
        for (PartResult p : parts) {
            total[0].add(p.histograms().latency());
            total[1].add(p.histograms().uncorrected());
            total[2].add(p.histograms().connect());
            total[3].add(p.histograms().ttfb());
        }
        long from = parts.stream().allMatch(p -> p.measuredFromEpochMs() > 0)
                ? parts.stream().mapToLong(PartResult::measuredFromEpochMs).min().orElseThrow() : 0;
        double window = from > 0 ? parts.stream().mapToDouble(p -> p.measuredFromEpochMs() - from
                + p.document().summary().durationSeconds() * 1000).max().orElseThrow() / 1000
                : parts.stream().mapToDouble(p -> p.document().summary().durationSeconds()).max().orElseThrow();
        Summary summary = summarize(parts, total, Math.round(window * 1000) / 1000.0);
        LoadResult result = new LoadResult(SpecOfOptions.spec(first.document()), first.document().transport(),
                first.document().warmup(), summary, TimelineMerge.merge(parts, logs), spread(parts),
                new LoadResult.Totals(total[0], total[1], total[2], total[3]));
        List<PartFigures> figures = new ArrayList<>();
        for (PartResult p : parts) {
            Summary s = p.document().summary();
            figures.add(new PartFigures(p.source(), p.segment().label(), p.measuredFromEpochMs(), s.durationSeconds(),
                    s.requests(), s.requestedRate(), s.achievedRate(), s.latency().p50Us(), s.latency().p99Us(),
                    s.latency().maxUs(), s.errorsTotal(), s.errorRate()));
        }
        return new Merged(result, from, List.copyOf(figures));
    }

    /** Parts of one test: the same target, rate and duration, and, when split, every segment exactly once. */
    private static void checkOneTest(List<PartResult> parts) {
        ResultDocument first = parts.get(0).document();
        for (PartResult p : parts) {
            ResultDocument d = p.document();
            same(p, "target", first.target(), d.target());
            same(p, "rate", first.options().rate(), d.options().rate());
            same(p, "duration", first.options().durationSeconds(), d.options().durationSeconds());
            same(p, "segment count", parts.get(0).segment().count(), p.segment().count());
        }
        int count = parts.get(0).segment().count();
        if (count > 1) {
            TreeSet<Integer> seen = new TreeSet<>();
            List<String> labels = new ArrayList<>();
            for (PartResult p : parts) {
                labels.add(p.segment().label());
                seen.add(p.segment().index());
            }
            if (seen.size() != parts.size() || parts.size() != count) {
                throw new InvalidValueException("segments", InvalidValueException.quoted(String.join(", ", labels)),
                        "each of 0/" + count + " to " + (count - 1) + "/" + count + " once");
            }
        }
    }

    private static void same(PartResult p, String what, Object expected, Object actual) {
        if (!expected.equals(actual)) {
            throw new InvalidValueException(p.source(), what + " " + actual,
                    what + " " + expected + " as in the first file: parts of one test");
        }
    }

    private static Summary summarize(List<PartResult> parts, Histogram[] total, double seconds) {
        List<Summary> s = parts.stream().map(p -> p.document().summary()).toList();
        long requests = sum(s, Summary::requests);
        Map<String, Long> statuses = sumMaps(s, Summary::statusClasses);
        Map<String, Long> errors = sumMaps(s, Summary::errors);
        long errorsTotal = sum(s, Summary::errorsTotal);
        // As a single run counts it: a bad status is a response and an error, the other kinds have no response.
        long attempts = requests + errorsTotal - errors.getOrDefault(ErrorKind.BAD_STATUS.label(), 0L);
        double errorRate = attempts == 0 ? (errorsTotal > 0 ? 1 : 0) : (double) errorsTotal / attempts;
        long blocked = sum(s, Summary::blockedRequests);
        double blockedMean = blocked == 0 ? 0 : s.stream()
                .mapToDouble(x -> x.blockedMeanUs() * x.blockedRequests()).sum() / blocked;
        boolean openLoop = s.get(0).requestedRate() > 0;
        long drain = sum(s, Summary::drainResponses);
        // The parts keep no send-lag histogram: the merged figure is the part that lagged most (by its p99).
        LatencyStats sendLag = s.stream().map(Summary::sendLag)
                .max(Comparator.comparingDouble(LatencyStats::p99Us)).orElse(LatencyStats.EMPTY);
        return new Summary(seconds, requests, s.stream().mapToDouble(Summary::requestedRate).sum(),
                seconds > 0 ? Math.round((requests - drain) / seconds * 1000) / 1000.0 : 0, sum(s, Summary::bytesRead),
                sum(s, Summary::bytesWritten), LatencyStats.of(total[0]),
                LatencyStats.of(openLoop ? total[1] : total[0]), LatencyStats.of(total[2]),
                LatencyStats.of(total[3]), sum(s, Summary::connectionsOpened), sum(s, Summary::maxOpenConnections),
                s.stream().mapToDouble(Summary::meanOpenConnections).sum(), statuses, errors, errorsTotal,
                errorRate, blocked, Math.round(blockedMean * 1000) / 1000.0,
                s.stream().mapToDouble(Summary::blockedMaxUs).max().orElse(0), drain,
                s.stream().mapToDouble(Summary::drainSeconds).max().orElse(0), sum(s, Summary::scheduled),
                sum(s, Summary::sent), sum(s, Summary::dropped), sendLag);
    }

    private static long sum(List<Summary> summaries, Function<Summary, Long> field) {
        return summaries.stream().mapToLong(field::apply).sum();
    }

    private static Map<String, Long> sumMaps(List<Summary> summaries, Function<Summary, Map<String, Long>> field) {
        Map<String, Long> out = new LinkedHashMap<>();
        for (Summary s : summaries) {
            field.apply(s).forEach((k, v) -> out.merge(k, v, Long::sum));
        }
        return out;
    }

    private static Spread spread(List<PartResult> parts) {
        List<List<SpreadCounter.Count>> listeners = new ArrayList<>();
        List<List<SpreadCounter.Count>> loops = new ArrayList<>();
        for (PartResult p : parts) {
            Spread s = p.document().spread();
            if (s != null) {
                listeners.add(s.listener().entries());
                loops.add(s.loop().entries());
            }
        }
        return new Spread(SpreadTable.merge("X-Topo-Listener", listeners), SpreadTable.merge("X-Topo-Loop", loops));
    }
}
