package dev.topo.loadgen.compare;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.topo.loadgen.engine.InvalidValueException;
import dev.topo.loadgen.stats.EncodedHistogram;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** The change of each configuration × scenario against an earlier {@code results.json}. */
public final class Baseline {

    /** Old and new requests/s and p99 (microseconds) of one configuration × scenario present in both runs. */
    public record Change(String config, String scenario, double oldRate, double newRate, double oldP99,
                         double newP99) {

        public double ratePercent() {
            return percent(oldRate, newRate);
        }

        public double p99Percent() {
            return percent(oldP99, newP99);
        }

        private static double percent(double before, double after) {
            return before == 0 ? Double.NaN : (after - before) * 100 / before;
        }
    }

    private Baseline() {
    }

    /** Read as a tree by field name, so a baseline written by a later minor version still reads. */
    public static List<Change> compare(Path baselineFile, Results.Document now) throws IOException {
        ObjectMapper mapper = new ObjectMapper();
        return compare(mapper.readTree(baselineFile.toFile()), mapper.valueToTree(now));
    }

    /** Both documents as trees: every configuration × scenario that completed in both. */
    public static List<Change> compare(JsonNode old, JsonNode now) {
        String schema = old == null ? "" : old.path("schema").asText("");
        if (!schema.startsWith("topo-compare/")) {
            throw new InvalidValueException("baseline", "schema " + InvalidValueException.quoted(schema),
                    "a topo compare results.json, schema topo-compare/N");
        }
        List<Change> out = new ArrayList<>();
        for (JsonNode cfg : now.path("configs")) {
            String config = cfg.path("name").asText();
            for (JsonNode r : cfg.path("runs")) {
                String scenario = r.path("scenario").asText();
                JsonNode n = completed(now, config, scenario);
                JsonNode o = completed(old, config, scenario);
                if (n == null || o == null) {
                    continue;
                }
                out.add(new Change(config, scenario, o.path("load").path("summary").path("achievedRate").asDouble(),
                        n.path("load").path("summary").path("achievedRate").asDouble(), p99(o), p99(n)));
            }
        }
        return out;
    }

    /** From the run's histogram when it kept one (any percentile can be read there), else its summary. */
    private static double p99(JsonNode run) {
        JsonNode h = run.path("latencyHistogram");
        return h.isTextual() ? EncodedHistogram.decode(h.asText()).getValueAtPercentile(99) / 1000.0
                : run.path("load").path("summary").path("latency").path("p99Us").asDouble();
    }

    /** What must match for a change to be the change's: the machine, the placement, the durations. */
    private static final List<String> SAME = List.of("machine/cpus", "machine/arch", "machine/kernel", "machine/jvm",
            "placement/pinned", "placement/serverCpus", "placement/clientCpus", "options/durationSeconds",
            "options/warmup");

    /** Read from files as {@link #compare(Path, Results.Document)}. */
    public static List<String> mismatches(Path baselineFile, Results.Document now) throws IOException {
        ObjectMapper mapper = new ObjectMapper();
        return mismatches(mapper.readTree(baselineFile.toFile()), mapper.valueToTree(now));
    }

    /**
     * Why the two runs may differ for reasons other than the change, as {@code machine.cpus: 2 then, 8 now}; empty
     * when they ran on the same kind of machine, placement and durations.
     */
    public static List<String> mismatches(JsonNode old, JsonNode now) {
        List<String> out = new ArrayList<>();
        for (String path : SAME) {
            JsonNode o = old.at("/" + path);
            JsonNode n = now.at("/" + path);
            if (!o.equals(n)) {
                out.add(path.replace('/', '.') + ": " + o + " then, " + n + " now");
            }
        }
        return out;
    }

    private static JsonNode completed(JsonNode old, String config, String scenario) {
        for (JsonNode c : old.path("configs")) {
            if (c.path("name").asText().equals(config)) {
                for (JsonNode r : c.path("runs")) {
                    if (r.path("scenario").asText().equals(scenario) && r.path("status").asText().equals(Results.OK)
                            && r.has("load") && !r.get("load").isNull()) {
                        return r;
                    }
                }
            }
        }
        return null;
    }
}
