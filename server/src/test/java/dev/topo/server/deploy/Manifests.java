package dev.topo.server.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.MissingNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Reading Kubernetes and compose YAML the way a cluster would: documents, ports by name, env, quantities. */
final class Manifests {
    static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

    private Manifests() {
    }

    static JsonNode readSingle(Path file) throws IOException {
        List<JsonNode> docs = new ArrayList<>();
        try (var it = YAML.readerFor(JsonNode.class).<JsonNode>readValues(Files.readString(file))) {
            while (it.hasNextValue()) {
                docs.add(it.nextValue());
            }
        }
        assertEquals(1, docs.size(), file + " should hold exactly one YAML document");
        return docs.get(0);
    }

    static int containerPort(JsonNode container, String name) {
        for (JsonNode p : container.path("ports")) {
            if (p.path("name").asText().equals(name)) {
                return p.path("containerPort").asInt();
            }
        }
        return fail("container has no port named " + name);
    }

    /** A probe or Service port is either a number or the name of a container port. */
    static int resolvePort(JsonNode container, JsonNode port) {
        if (port.isInt()) {
            return port.asInt();
        }
        assertTrue(port.isTextual(), "port must be a number or a port name: " + port);
        return containerPort(container, port.asText());
    }

    static JsonNode servicePort(JsonNode service, String name) {
        for (JsonNode p : service.path("spec").path("ports")) {
            if (p.path("name").asText().equals(name)) {
                return p;
            }
        }
        fail("Service has no port named " + name);
        return MissingNode.getInstance();
    }

    static String env(JsonNode container, String name) {
        for (JsonNode e : container.path("env")) {
            if (e.path("name").asText().equals(name)) {
                return e.path("value").asText();
            }
        }
        return fail("container has no env " + name);
    }

    static List<String> texts(JsonNode array) {
        List<String> out = new ArrayList<>();
        array.forEach(n -> out.add(n.asText()));
        return out;
    }

    static Map<String, String> strings(JsonNode object) {
        Map<String, String> out = new java.util.TreeMap<>();
        object.properties().forEach(e -> out.put(e.getKey(), e.getValue().asText()));
        return out;
    }

    /** Kubernetes CPU quantity ("2", "500m") in millicores. */
    static long cpu(JsonNode q) {
        String s = q.asText();
        return s.endsWith("m") ? Long.parseLong(s.substring(0, s.length() - 1)) : Math.round(Double.parseDouble(s) * 1000);
    }

    /** Kubernetes memory quantity with a binary or decimal suffix, in bytes. */
    static long bytes(JsonNode q) {
        Matcher m = Pattern.compile("(\\d+)(Ki|Mi|Gi|Ti|k|M|G|T)?").matcher(q.asText());
        assertTrue(m.matches(), "memory quantity " + q.asText());
        long n = Long.parseLong(m.group(1));
        String unit = m.group(2) == null ? "" : m.group(2);
        return switch (unit) {
            case "Ki" -> n << 10;
            case "Mi" -> n << 20;
            case "Gi" -> n << 30;
            case "Ti" -> n << 40;
            case "k" -> n * 1_000L;
            case "M" -> n * 1_000_000L;
            case "G" -> n * 1_000_000_000L;
            case "T" -> n * 1_000_000_000_000L;
            default -> n;
        };
    }
}
