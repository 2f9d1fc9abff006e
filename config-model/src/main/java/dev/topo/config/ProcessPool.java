package dev.topo.config;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.JsonDeserializer;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.JsonSerializer;
import com.fasterxml.jackson.databind.SerializerProvider;
import com.fasterxml.jackson.databind.annotation.JsonDeserialize;
import com.fasterxml.jackson.databind.annotation.JsonSerialize;
import java.io.IOException;
import java.util.Iterator;
import java.util.Set;

/**
 * How many worker processes a pool kind runs: a fixed count ({@code processes: 4}, or {@code auto}: one per CPU), or
 * a dynamic pool ({@code processes: {min: 2, max: 8, minSpare: 1, maxSpare: 3}}, php-fpm's {@code pm = dynamic}):
 * the master starts a worker when fewer than {@code minSpare} are idle and stops one when more than {@code maxSpare}
 * are, at most one change a second, never below {@code min} nor above {@code max}.
 */
@JsonDeserialize(using = ProcessPool.Reader.class)
@JsonSerialize(using = ProcessPool.Writer.class)
public record ProcessPool(int min, int max, int minSpare, int maxSpare) {
    private static final int MAX_PROCESSES = 64;
    private static final Set<String> KEYS = Set.of("min", "max", "minSpare", "maxSpare");

    public ProcessPool {
        Check.between("topology.processes.max", max, 1, MAX_PROCESSES);
        Check.between("topology.processes.min", min, 1, max);
        Check.between("topology.processes.maxSpare", maxSpare, 0, max);
        Check.between("topology.processes.minSpare", minSpare, 0, maxSpare);
    }

    /** Exactly {@code processes} workers, always. */
    public static ProcessPool fixed(int processes) {
        Check.between("topology.processes", processes, 1, MAX_PROCESSES);
        return new ProcessPool(processes, processes, 0, 0);
    }

    /** True when the pool grows and shrinks with the load. */
    public boolean dynamic() {
        return min < max;
    }

    static final class Reader extends JsonDeserializer<ProcessPool> {
        @Override
        public ProcessPool deserialize(JsonParser p, DeserializationContext ctxt) throws IOException {
            JsonNode node = p.readValueAsTree();
            if (!node.isObject()) {
                String text = node.asText();
                if (node.isInt()) {
                    return fixed(node.intValue());
                }
                if (text.equals("auto")) {
                    return fixed(CommonParameters.cpus());
                }
                throw ConfigException.invalid("topology.processes", node.isTextual() ? text : node,
                        "an integer, auto, or {min, max, minSpare, maxSpare}");
            }
            for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
                String key = it.next();
                if (!KEYS.contains(key)) {
                    throw new ConfigException("topology.processes." + key
                            + ": unknown key (expected: one of max, maxSpare, min, minSpare)");
                }
            }
            int max = integer(node, "max", CommonParameters.cpus());
            return new ProcessPool(integer(node, "min", 1), max, integer(node, "minSpare", 1),
                    integer(node, "maxSpare", Math.min(max, 2)));
        }

        private static int integer(JsonNode pool, String key, int fallback) {
            JsonNode value = pool.get(key);
            if (value == null) {
                return fallback;
            }
            if (!value.isInt()) {
                throw ConfigException.invalid("topology.processes." + key, value.isTextual() ? value.asText() : value,
                        "an integer");
            }
            return value.intValue();
        }
    }

    static final class Writer extends JsonSerializer<ProcessPool> {
        @Override
        public void serialize(ProcessPool pool, JsonGenerator gen, SerializerProvider provider) throws IOException {
            if (!pool.dynamic()) {
                gen.writeNumber(pool.max());
                return;
            }
            gen.writeStartObject();
            gen.writeNumberField("min", pool.min());
            gen.writeNumberField("max", pool.max());
            gen.writeNumberField("minSpare", pool.minSpare());
            gen.writeNumberField("maxSpare", pool.maxSpare());
            gen.writeEndObject();
        }
    }
}
