package dev.topo.loadgen.merge;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.topo.loadgen.engine.InvalidValueException;
import dev.topo.loadgen.engine.LoadResult;
import dev.topo.loadgen.engine.ResultDocument;
import dev.topo.loadgen.engine.Segment;
import dev.topo.loadgen.stats.HistogramCodec;
import dev.topo.loadgen.stats.Histograms;
import org.HdrHistogram.Histogram;

/**
 * One part's result as {@code topo load --json} wrote it: the document, the segment it ran, when its measurement
 * started on the wall clock, and its whole-run histograms.
 *
 * @param source             where it was read from, for messages and the per-part figures
 * @param document           the {@code topo-loadgen/1} document
 * @param segment            the part of the test it ran ({@code 0/1}: a whole test)
 * @param measuredFromEpochMs the wall-clock start of its measurement, 0 when the document does not say
 * @param histograms         its whole-run histograms, nanoseconds
 */
public record PartResult(String source, ResultDocument document, Segment segment, long measuredFromEpochMs,
                         LoadResult.Totals histograms) {

    /** Fields added after a document was written are no reason to refuse it. */
    private static final ObjectMapper MAPPER = new ObjectMapper()
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

    /** Whether {@code node} looks like a result document at all (a pod's log has other lines). */
    public static boolean isResult(JsonNode node) {
        return node.isObject() && ResultDocument.SCHEMA.equals(node.path("schema").asText());
    }

    /** Reads a result document; one without encoded histograms cannot be added and is refused. */
    public static PartResult of(String source, JsonNode node) {
        JsonNode h = node.path("histograms");
        if (!h.path("latency").isTextual()) {
            throw new InvalidValueException(source, "a result without histograms",
                    "a result of topo load --json from this version, which carries its encoded histograms");
        }
        ResultDocument document;
        try {
            document = MAPPER.treeToValue(node, ResultDocument.class);
        } catch (JsonProcessingException | IllegalArgumentException e) {
            throw new InvalidValueException(source, "an unreadable result", "a " + ResultDocument.SCHEMA
                    + " document (" + e.getMessage().lines().findFirst().orElse("") + ")");
        }
        Segment segment = node.hasNonNull("segment") ? Segment.parse(node.get("segment").asText()) : Segment.WHOLE;
        Histogram latency = histogram(source, h, "latency");
        return new PartResult(source, document, segment, node.path("measuredFromEpochMs").asLong(0),
                new LoadResult.Totals(latency, h.path("uncorrected").isTextual()
                        ? histogram(source, h, "uncorrected") : latency, histogram(source, h, "connect"),
                        histogram(source, h, "ttfb")));
    }

    private static Histogram histogram(String source, JsonNode histograms, String name) {
        JsonNode text = histograms.path(name);
        if (!text.isTextual()) {
            return Histograms.newHistogram();
        }
        try {
            return HistogramCodec.decode(text.asText());
        } catch (IllegalArgumentException e) {
            throw new InvalidValueException(source, "histograms." + name,
                    "HdrHistogram's compressed encoding in base64");
        }
    }
}
