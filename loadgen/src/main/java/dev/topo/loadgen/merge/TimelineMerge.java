package dev.topo.loadgen.merge;

import dev.topo.loadgen.engine.TimelinePoint;
import org.HdrHistogram.Histogram;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The parts' timelines as one: each part's points go to the wall-clock second their interval started nearest to
 * (parts started together tick within milliseconds of each other), and the points of one second are added.
 * Counts are summed; the percentiles of a second come from the parts' interval histograms, added, when their
 * HdrHistogram logs were given, and are otherwise the worst part's (percentiles cannot be added).
 */
final class TimelineMerge {

    private TimelineMerge() {
    }

    /** The key of a point: its wall-clock second, or its index when a part does not say when it started. */
    private static long key(PartResult part, TimelinePoint p, boolean wallClock) {
        if (!wallClock) {
            return p.second();
        }
        return IntervalLog.second(part.measuredFromEpochMs()
                + Math.round((p.elapsedSeconds() - p.intervalSeconds()) * 1000));
    }

    static List<TimelinePoint> merge(List<PartResult> parts, IntervalLog logs) {
        boolean wallClock = parts.stream().allMatch(p -> p.measuredFromEpochMs() > 0);
        Map<Long, List<TimelinePoint>> seconds = new TreeMap<>();
        for (PartResult part : parts) {
            for (TimelinePoint p : part.document().timeline()) {
                seconds.computeIfAbsent(key(part, p, wallClock), k -> new ArrayList<>()).add(p);
            }
        }
        List<TimelinePoint> out = new ArrayList<>(seconds.size());
        int index = 0;
        for (Map.Entry<Long, List<TimelinePoint>> e : seconds.entrySet()) {
            index++;
            out.add(add(index, e.getValue(), wallClock ? logs : null, e.getKey()));
        }
        return out;
    }

    private static TimelinePoint add(int second, List<TimelinePoint> points, IntervalLog logs, long wallSecond) {
        double elapsed = 0;
        double interval = 0;
        long requests = 0;
        long errors = 0;
        long bytesRead = 0;
        long open = 0;
        long opened = 0;
        double p50 = 0;
        double p99 = 0;
        double max = 0;
        double p99Uncorrected = 0;
        for (TimelinePoint p : points) {
            elapsed = Math.max(elapsed, p.elapsedSeconds());
            interval = Math.max(interval, p.intervalSeconds());
            requests += p.requests();
            errors += p.errors();
            bytesRead += p.bytesRead();
            open += p.openConnections();
            opened += p.connectionsOpened();
            p50 = Math.max(p50, p.p50Us());
            p99 = Math.max(p99, p.p99Us());
            max = Math.max(max, p.maxUs());
            p99Uncorrected = Math.max(p99Uncorrected, p.p99UncorrectedUs());
        }
        Histogram latency = logs == null ? null : logs.at(IntervalLog.LATENCY, wallSecond);
        if (latency != null && latency.getTotalCount() > 0) {
            p50 = us(latency.getValueAtPercentile(50));
            p99 = us(latency.getValueAtPercentile(99));
            max = us(latency.getMaxValue());
            Histogram uncorrected = logs.at("uncorrected", wallSecond);
            p99Uncorrected = us((uncorrected != null ? uncorrected : latency).getValueAtPercentile(99));
        }
        return new TimelinePoint(second, elapsed, interval, requests,
                interval > 0 ? Math.round(requests / interval * 1000) / 1000.0 : 0, errors, bytesRead, open, opened,
                p50, p99, max, p99Uncorrected);
    }

    private static double us(double nanos) {
        return Math.round(nanos) / 1000.0;
    }
}
