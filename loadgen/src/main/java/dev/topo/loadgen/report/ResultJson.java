package dev.topo.loadgen.report;

import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.topo.loadgen.engine.LoadResult;
import dev.topo.loadgen.engine.ResultDocument;
import dev.topo.loadgen.stats.HistogramCodec;
import org.HdrHistogram.Histogram;

import java.io.IOException;
import java.nio.file.Path;

/**
 * The result document of {@code topo load --json} with what adding runs together needs beside the
 * {@link ResultDocument}: the part of the test the run was ({@code segment}, {@code "0/1"} for a whole test), when
 * its measurement started on the wall clock ({@code measuredFromEpochMs}, 0 when unknown), and its whole-run
 * histograms ({@code histograms}: {@code latency}, {@code uncorrected}, {@code connect}, {@code ttfb}, each in
 * HdrHistogram's compressed encoding, base64, values in nanoseconds). Percentiles cannot be added; histograms can.
 */
public final class ResultJson {

    private ResultJson() {
    }

    public static ObjectNode of(LoadResult r, long measuredFromEpochMs) {
        ObjectNode doc = JsonReport.mapper().valueToTree(ResultDocument.of(r));
        doc.put("segment", r.spec().segment().label());
        doc.put("measuredFromEpochMs", measuredFromEpochMs);
        ObjectNode histograms = doc.putObject("histograms");
        LoadResult.Totals h = r.histograms();
        put(histograms, "latency", h.latency());
        put(histograms, "uncorrected", h.uncorrected());
        put(histograms, "connect", h.connect());
        put(histograms, "ttfb", h.ttfb());
        return doc;
    }

    private static void put(ObjectNode node, String name, Histogram h) {
        node.put(name, HistogramCodec.encode(h));
    }

    public static void write(ObjectNode doc, Path file) throws IOException {
        JsonReport.mapper().writeValue(file.toFile(), doc);
    }

    /** The document on one line, for a stream that carries other lines too (a pod's log). */
    public static String line(ObjectNode doc) throws IOException {
        return JsonReport.mapper().writer().without(SerializationFeature.INDENT_OUTPUT).writeValueAsString(doc);
    }
}
