package dev.topo.loadgen.merge;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.topo.loadgen.engine.InvalidValueException;
import dev.topo.loadgen.engine.ResultDocument;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * What {@code topo load merge} is given, sorted by content rather than by name: a part's JSON result
 * ({@code --json}), several results one per line (the parts printed them with {@code --json -} and their logs were
 * collected, whatever else the logs hold), or an HdrHistogram log ({@code --hdr-log}).
 */
public final class PartFiles {

    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final String MARK = "{\"schema\":\"" + ResultDocument.SCHEMA + "\"";

    private final List<PartResult> results = new ArrayList<>();
    private final IntervalLog logs = new IntervalLog();

    public List<PartResult> results() {
        return List.copyOf(results);
    }

    public IntervalLog logs() {
        return logs;
    }

    /** Reads one input; {@code name} is how messages and the per-part figures call it. */
    public void read(String name, byte[] content) {
        String text = new String(content, StandardCharsets.UTF_8).strip();
        if (text.startsWith("#") || text.startsWith("Tag=") || text.matches("(?s)^\\d+\\.\\d+,.*")) {
            logs.read(new ByteArrayInputStream(content));
            return;
        }
        int before = results.size();
        if (!text.startsWith("{") || !readDocuments(name, text)) {
            // A log with other lines: every line that holds a result, from where the result starts (a collector
            // may prefix each line with the pod's name).
            String[] lines = text.split("\\R");
            for (int i = 0; i < lines.length; i++) {
                int at = lines[i].indexOf(MARK);
                if (at >= 0) {
                    add(name + ":" + (i + 1), tree(name, lines[i].substring(at)));
                }
            }
        }
        if (results.size() == before) {
            throw new InvalidValueException(name, "no result",
                    "a " + ResultDocument.SCHEMA + " result (JSON, or a log with one per line) or an HdrHistogram log");
        }
    }

    /** One pretty-printed document or several, one after another; false when the text is not all JSON. */
    private boolean readDocuments(String name, String text) {
        List<JsonNode> nodes = new ArrayList<>();
        try (MappingIterator<JsonNode> it = MAPPER.readerFor(JsonNode.class).readValues(text)) {
            while (it.hasNextValue()) {
                nodes.add(it.nextValue());
            }
        } catch (IOException | RuntimeException e) {
            return false;
        }
        for (int i = 0; i < nodes.size(); i++) {
            if (PartResult.isResult(nodes.get(i))) {
                add(nodes.size() == 1 ? name : name + "#" + (i + 1), nodes.get(i));
            }
        }
        return true;
    }

    private void add(String source, JsonNode node) {
        if (PartResult.isResult(node)) {
            results.add(PartResult.of(source, node));
        }
    }

    private static JsonNode tree(String name, String json) {
        try {
            return MAPPER.readTree(json);
        } catch (JsonProcessingException e) {
            throw new InvalidValueException(name, "a cut result line", "a whole " + ResultDocument.SCHEMA
                    + " document on one line");
        }
    }
}
