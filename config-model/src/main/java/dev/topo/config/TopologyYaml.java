package dev.topo.config;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.JsonDeserializer;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.JsonSerializer;
import com.fasterxml.jackson.databind.SerializerProvider;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.lang.reflect.RecordComponent;
import java.util.Arrays;
import java.util.Iterator;
import java.util.Map;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * The {@code topology:} section as YAML writes it: one flat mapping of {@code kind}, that kind's parameters and the
 * listen options. Reading picks the kind's record from {@link TopologyKind}, so the kinds' keys live in their records
 * alone; a key of another kind is reported with the kinds that read it.
 */
final class TopologyYaml {
    private TopologyYaml() {
    }

    static final class Reader extends JsonDeserializer<TopologyConfig> {
        @Override
        public TopologyConfig deserialize(JsonParser p, DeserializationContext ctxt) throws IOException {
            if (p.currentToken() != JsonToken.START_OBJECT) {
                return (TopologyConfig) ctxt.handleUnexpectedToken(TopologyConfig.class, p);
            }
            ObjectNode section = p.readValueAsTree();
            TopologyKind kind = kind(section.get("kind"));
            ObjectNode own = section.objectNode();
            ObjectNode listen = section.objectNode();
            for (Iterator<Map.Entry<String, JsonNode>> it = section.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> field = it.next();
                String key = field.getKey();
                if (key.equals("kind")) {
                    continue;
                }
                if (!kind.uses(key)) {
                    throw unused(kind, key, field.getValue());
                }
                (ListenOptions.NAMES.contains(key) ? listen : own).set(key, field.getValue());
            }
            return new TopologyConfig(ctxt.readTreeAsValue(own, kind.parameters()),
                    ctxt.readTreeAsValue(listen, ListenOptions.class));
        }

        private static TopologyKind kind(JsonNode node) {
            if (node == null || node.isNull()) {
                return TopologyKind.SINGLE_ACCEPTOR;
            }
            TopologyKind kind = node.isTextual() ? TopologyKind.named(node.textValue()) : null;
            if (kind != null) {
                return kind;
            }
            throw ConfigException.invalid("topology.kind", node.isTextual() ? node.textValue() : node.toString(),
                    "one of " + Arrays.stream(TopologyKind.values()).map(TopologyKind::yamlName)
                            .collect(Collectors.joining(", ")));
        }

        private static ConfigException unused(TopologyKind kind, String key, JsonNode value) {
            String users = Arrays.stream(TopologyKind.values())
                    .filter(k -> k.uses(key))
                    .map(TopologyKind::yamlName)
                    .sorted()
                    .collect(Collectors.joining(", "));
            if (users.isEmpty()) {
                TreeSet<String> known = Stream.of(TopologyKind.values())
                        .flatMap(k -> k.parameterNames().stream())
                        .collect(Collectors.toCollection(TreeSet::new));
                known.addAll(ListenOptions.NAMES);
                known.add("kind");
                return new ConfigException("topology." + key + ": unknown key (expected: one of "
                        + String.join(", ", known) + ")");
            }
            // Text is quoted like every other string in a message; a number or a flag is shown as written.
            return ConfigException.invalid("topology." + key, value.isTextual() ? value.textValue() : value,
                    "only with kind " + users + "; this is kind " + kind.yamlName());
        }
    }

    static final class Writer extends JsonSerializer<TopologyConfig> {
        @Override
        public void serialize(TopologyConfig topology, JsonGenerator gen, SerializerProvider provider)
                throws IOException {
            TopologyKind kind = topology.kind();
            gen.writeStartObject();
            provider.defaultSerializeField("kind", kind, gen);
            for (RecordComponent c : kind.parameters().getRecordComponents()) {
                provider.defaultSerializeField(c.getName(), value(c, topology.parameters()), gen);
            }
            for (RecordComponent c : ListenOptions.class.getRecordComponents()) {
                if (ListenOptions.appliesTo(c.getName(), kind)) {
                    provider.defaultSerializeField(c.getName(), value(c, topology.listen()), gen);
                }
            }
            gen.writeEndObject();
        }

        private static Object value(RecordComponent component, Object record) {
            try {
                return component.getAccessor().invoke(record);
            } catch (ReflectiveOperationException e) {
                throw new IllegalStateException("cannot read " + component, e);
            }
        }
    }
}
