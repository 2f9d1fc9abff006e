package dev.topo.loadgen.merge;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.topo.loadgen.engine.InvalidValueException;
import dev.topo.loadgen.engine.LoadResult;
import dev.topo.loadgen.engine.LoadSpec;
import dev.topo.loadgen.engine.Segment;
import dev.topo.loadgen.engine.Summary;
import dev.topo.loadgen.engine.Target;
import dev.topo.loadgen.engine.TimelinePoint;
import dev.topo.loadgen.engine.WarmupReport;
import dev.topo.loadgen.report.ResultJson;
import dev.topo.loadgen.stats.Distribution;
import dev.topo.loadgen.stats.Histograms;
import dev.topo.loadgen.stats.LatencyStats;
import dev.topo.loadgen.stats.Spread;
import dev.topo.loadgen.stats.SpreadCounter;
import dev.topo.loadgen.stats.SpreadTable;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.HistogramLogWriter;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** Merging parts' documents, made by hand: figures worked out on paper, no network. */
@Timeout(5)
class ResultMergeTest {

    private static final long MS = 1_000_000;
    private static final long T0 = 1_796_000_000_000L;

    /**
     * One part's document: {@code fast} responses of 1 ms and {@code slow} of 100 ms, over {@code seconds} s from
     * {@code fromMs}, with one point per second and {@code timeouts} timeouts; its spread is all on loop
     * {@code loop}.
     */
    private static PartResult part(Segment segment, long fromMs, double seconds, int fast, int slow, int timeouts,
                                   String loop) {
        return PartResult.of("part-" + segment.index(), doc(segment, fromMs, seconds, fast, slow, timeouts, loop));
    }

    private static ObjectNode doc(Segment segment, long fromMs, double seconds, int fast, int slow, int timeouts,
                                  String loop) {
        Histogram h = Histograms.newHistogram();
        h.recordValueWithCount(MS, fast);
        h.recordValueWithCount(100 * MS, slow);
        long requests = fast + slow;
        Map<String, Long> errors = new LinkedHashMap<>(Map.of("refused", 0L, "timeout", (long) timeouts));
        Summary s = new Summary(seconds, requests, 300.0 / segment.count(), requests / seconds, requests * 100,
                requests * 50, LatencyStats.of(h), LatencyStats.of(h), LatencyStats.EMPTY, LatencyStats.of(h), 4, 4,
                4, Map.of("2xx", requests), errors, timeouts, (double) timeouts / (requests + timeouts), 0, 0, 0, 0, 0,
                requests, requests, 0, LatencyStats.EMPTY);
        List<TimelinePoint> timeline = List.of(
                new TimelinePoint(1, 1, 1, requests / 2, requests / 2.0, 0, 0, 4, 4, 0, 0, 0, 0),
                new TimelinePoint(2, seconds, seconds - 1, requests - requests / 2, 0, timeouts, 0, 4, 0, 0, 0, 0,
                        0));
        SpreadTable loops = SpreadTable.merge("X-Topo-Loop", List.of(List.of(new SpreadCounter.Count(loop,
                requests, 4))));
        Spread spread = new Spread(SpreadTable.merge("X-Topo-Listener", List.of()), loops);
        LoadSpec spec = LoadSpec.builder(Target.parse("http://127.0.0.1:8080/")).rate(300).connections(12)
                .duration(Duration.ofSeconds(2)).segment(segment).build();
        LoadResult r = new LoadResult(spec, "epoll", WarmupReport.NONE, s, timeline, spread,
                new LoadResult.Totals(h, h, Histograms.newHistogram(), h));
        return ResultJson.of(r, fromMs);
    }

    @Test
    void histogramsAddCountersSumAndTheRateIsOverTheCommonWindow() {
        PartResult a = part(new Segment(0, 2), T0, 2.0, 295, 5, 3, "topo-worker-0-1");
        // Started 500 ms later: the window runs from a's start to b's end, 2.5 s.
        PartResult b = part(new Segment(1, 2), T0 + 500, 2.0, 300, 0, 1, "topo-worker-0-2");
        ResultMerge.Merged m = ResultMerge.merge(List.of(a, b), new IntervalLog());
        Summary s = m.result().summary();
        assertEquals(600, s.requests());
        assertEquals(2.5, s.durationSeconds());
        assertEquals(240.0, s.achievedRate());
        assertEquals(300.0, s.requestedRate());
        assertEquals(4, s.errorsTotal());
        assertEquals(Map.of("refused", 0L, "timeout", 4L), s.errors());
        assertEquals(4.0 / 604, s.errorRate(), 1e-12);
        assertEquals(Map.of("2xx", 600L), s.statusClasses());
        assertEquals(600 * 100, s.bytesRead());
        // 5 slow of 600 is under 1%: the merged p99 is 1 ms, where a's own is 100 ms (5 of 300) and b's 1 ms.
        assertEquals(1000, s.latency().p99Us(), 1);
        assertEquals(100, a.document().summary().latency().p99Us() / 1000, 0.1);
        Histogram sum = Histograms.newHistogram();
        sum.add(a.histograms().latency());
        sum.add(b.histograms().latency());
        assertEquals(sum, m.result().histograms().latency());
        assertEquals(LatencyStats.of(sum), s.latency());
        assertEquals(T0, m.measuredFromEpochMs());
        assertEquals(List.of("part-0", "part-1"), m.parts().stream().map(ResultMerge.PartFigures::source).toList());
        assertEquals(List.of(300L, 300L), m.parts().stream().map(ResultMerge.PartFigures::requests).toList());
        // The whole test's options, not a part's.
        assertEquals(12, m.result().spec().connections());
        assertEquals(Segment.WHOLE, m.result().spec().segment());
        Distribution loops = m.result().spread().loop().responses();
        assertEquals(2, loops.n());
        assertEquals(1.0, loops.jain(), 1e-12);
    }

    @Test
    void timelinesLineUpOnWallClockSeconds() {
        // 30 ms apart: the same seconds. The merged points add the parts' counts.
        PartResult a = part(new Segment(0, 2), T0, 2.0, 100, 0, 0, "l");
        PartResult b = part(new Segment(1, 2), T0 + 30, 2.0, 60, 0, 2, "l");
        List<TimelinePoint> t = ResultMerge.merge(List.of(a, b), new IntervalLog()).result().timeline();
        assertEquals(2, t.size());
        assertEquals(List.of(80L, 80L), t.stream().map(TimelinePoint::requests).toList());
        assertEquals(List.of(0L, 2L), t.stream().map(TimelinePoint::errors).toList());
        assertEquals(80.0, t.get(0).rate());
        // 1 s apart: b's first second is a's second one.
        PartResult late = part(new Segment(1, 2), T0 + 1_000, 2.0, 60, 0, 0, "l");
        t = ResultMerge.merge(List.of(a, late), new IntervalLog()).result().timeline();
        assertEquals(List.of(50L, 80L, 30L), t.stream().map(TimelinePoint::requests).toList());
    }

    /** An HdrHistogram log as {@code --hdr-log} writes it: one untagged interval of {@code count} x {@code ms}. */
    private static byte[] log(long startMs, int count, long ms) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        HistogramLogWriter writer = new HistogramLogWriter(bytes);
        writer.setBaseTime(startMs);
        writer.outputBaseTime(startMs);
        writer.outputLegend();
        Histogram h = Histograms.newHistogram();
        h.recordValueWithCount(ms * MS, count);
        h.setStartTimeStamp(startMs);
        h.setEndTimeStamp(startMs + 1000);
        writer.outputIntervalHistogram(h);
        writer.close();
        return bytes.toByteArray();
    }

    @Test
    void aSecondsPercentilesComeFromThePartsIntervalHistogramsAdded() {
        PartFiles files = new PartFiles();
        files.read("a.hlog", log(T0 + 3, 100, 1));
        files.read("b.hlog", log(T0 + 20, 100, 50));
        PartResult a = part(new Segment(0, 2), T0 + 3, 2.0, 100, 0, 0, "l");
        PartResult b = part(new Segment(1, 2), T0 + 20, 2.0, 100, 0, 0, "l");
        List<TimelinePoint> t = ResultMerge.merge(List.of(a, b), files.logs()).result().timeline();
        Histogram sum = Histograms.newHistogram();
        sum.recordValueWithCount(MS, 100);
        sum.recordValueWithCount(50 * MS, 100);
        // Half the requests at 1 ms, half at 50 ms: the p99 of the second is about 50 ms, its median 1 ms.
        assertEquals(sum.getValueAtPercentile(99) / 1000.0, t.get(0).p99Us(), 0.001);
        assertEquals(sum.getValueAtPercentile(50) / 1000.0, t.get(0).p50Us(), 0.001);
        assertEquals(sum.getMaxValue() / 1000.0, t.get(0).maxUs(), 0.001);
        // No interval for the second second: its percentiles stay the parts' own (here 0).
        assertEquals(0, t.get(1).p99Us());
    }

    @Test
    void partsOfDifferentTestsOrAMissingSegmentAreRefused() {
        PartResult a = part(new Segment(0, 3), T0, 2.0, 1, 0, 0, "l");
        PartResult c = part(new Segment(2, 3), T0, 2.0, 1, 0, 0, "l");
        InvalidValueException missing = assertThrows(InvalidValueException.class,
                () -> ResultMerge.merge(List.of(a, c), new IntervalLog()));
        assertEquals("segments: '0/3, 2/3' (expected: each of 0/3 to 2/3 once)", missing.getMessage());
        InvalidValueException twice = assertThrows(InvalidValueException.class,
                () -> ResultMerge.merge(List.of(a, a, c), new IntervalLog()));
        assertEquals("segments: '0/3, 0/3, 2/3' (expected: each of 0/3 to 2/3 once)", twice.getMessage());
        PartResult other = part(new Segment(1, 2), T0, 2.0, 1, 0, 0, "l");
        InvalidValueException mixed = assertThrows(InvalidValueException.class,
                () -> ResultMerge.merge(List.of(a, other), new IntervalLog()));
        assertEquals("part-1: segment count 2 (expected: segment count 3 as in the first file: parts of one test)",
                mixed.getMessage());
    }

    @Test
    void resultsAreFoundInALogAmongOtherLines() throws Exception {
        // As kubectl logs --prefix shows the parts' output with --json -: summaries and one line each.
        String log = "Running 2.00s test @ http://127.0.0.1:8080/\n"
                + "[pod/topo-loadgen-0/loadgen] " + ResultJson.line(doc(new Segment(0, 2), T0, 2.0, 10, 0, 0, "l"))
                + "\nRequests/sec: 5.00\n" + ResultJson.line(doc(new Segment(1, 2), T0, 2.0, 20, 0, 0, "l")) + "\n";
        PartFiles files = new PartFiles();
        files.read("pods.log", log.getBytes(StandardCharsets.UTF_8));
        assertEquals(List.of("pods.log:2", "pods.log:4"), files.results().stream().map(PartResult::source).toList());
        assertEquals(30, ResultMerge.merge(files.results(), files.logs()).result().summary().requests());
        InvalidValueException none = assertThrows(InvalidValueException.class,
                () -> new PartFiles().read("notes.txt", "nothing here".getBytes(StandardCharsets.UTF_8)));
        assertEquals("notes.txt: no result (expected: a topo-loadgen/1 result (JSON, or a log with one per line) "
                + "or an HdrHistogram log)", none.getMessage());
    }
}
