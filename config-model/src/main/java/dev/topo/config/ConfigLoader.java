package dev.topo.config;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonDeserializer;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.JsonSerializer;
import com.fasterxml.jackson.databind.MapperFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializerProvider;
import com.fasterxml.jackson.databind.exc.InvalidFormatException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.databind.exc.ValueInstantiationException;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.module.SimpleModule;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.Collection;
import java.util.Objects;
import java.util.stream.Collectors;

/**
 * Binds a YAML file (plus command-line overrides) to {@link ServerConfig}. Every mistake becomes one
 * {@link ConfigException} of the shape {@code file: path: value (expected: ...)}.
 */
public final class ConfigLoader {
    private static final ObjectMapper YAML = configure(JsonMapper.builder(YAMLFactory.builder()
            .disable(YAMLGenerator.Feature.WRITE_DOC_START_MARKER)
            .enable(YAMLGenerator.Feature.MINIMIZE_QUOTES)
            .build()));

    private ConfigLoader() {
    }

    /** Loads {@code file} with no overrides. */
    public static ServerConfig load(Path file) {
        return load(file, Overrides.NONE);
    }

    public static ServerConfig load(Path file, Overrides overrides) {
        String source = overrides.isEmpty() ? file.toString() : file + " (with command-line overrides)";
        JsonNode tree;
        try {
            tree = YAML.readTree(Files.readString(file));
        } catch (NoSuchFileException e) {
            throw new ConfigException(file + ": no such file");
        } catch (JsonProcessingException e) {
            throw new ConfigException(file + ": " + syntax(e));
        } catch (IOException e) {
            throw new ConfigException(file + ": cannot read (" + e.getMessage() + ")");
        }
        if (tree == null || tree.isMissingNode() || tree.isNull()) {
            tree = YAML.createObjectNode();
        }
        if (!tree.isObject()) {
            throw new ConfigException(file + ": the document is a " + tree.getNodeType().name().toLowerCase()
                    + " (expected: a mapping of keys such as topology, bind, limits)");
        }
        return bind((ObjectNode) tree, overrides, source);
    }

    /** Binds an in-memory YAML text; for tests and for configurations built by other tools. */
    public static ServerConfig parse(String yaml, String source) {
        try {
            JsonNode tree = YAML.readTree(yaml);
            if (tree == null || !tree.isObject()) {
                throw new ConfigException(source + ": expected a YAML mapping");
            }
            return bind((ObjectNode) tree, Overrides.NONE, source);
        } catch (JsonProcessingException e) {
            throw new ConfigException(source + ": " + syntax(e));
        }
    }

    /** The resolved configuration as YAML, every default filled in: what {@code --check} prints. */
    public static String toYaml(ServerConfig config) {
        try {
            return YAML.writeValueAsString(config);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot render the configuration", e);
        }
    }

    private static ServerConfig bind(ObjectNode tree, Overrides overrides, String source) {
        overrides.applyTo(tree, ConfigLoader::kindOf);
        try {
            return YAML.treeToValue(tree, ServerConfig.class);
        } catch (JsonProcessingException e) {
            // A record's own check, however deep Jackson wrapped it, already names its YAML path.
            for (Throwable t = e; t != null; t = t.getCause()) {
                if (t instanceof ConfigException config) {
                    throw new ConfigException(source + ": " + config.getMessage());
                }
            }
            throw translate(e, tree, source);
        } catch (ConfigException e) {
            throw new ConfigException(source + ": " + e.getMessage());
        }
    }

    private static ConfigException translate(JsonProcessingException e, JsonNode tree, String source) {
        String problem;
        if (e instanceof ValueInstantiationException v) {
            problem = path(v) + ": " + rootMessage(v);
        } else if (e instanceof UnrecognizedPropertyException u) {
            Collection<Object> known = u.getKnownPropertyIds();
            String expected = known == null ? "a known key" : "one of " + known.stream()
                    .map(Object::toString).sorted().collect(Collectors.joining(", "));
            problem = path(u) + ": unknown key (expected: " + expected + ")";
        } else if (e instanceof InvalidFormatException f) {
            problem = path(f) + ": " + valueAt(tree, f) + " (expected: " + expected(f) + ")";
        } else if (e instanceof MismatchedInputException m) {
            problem = path(m) + ": " + valueAt(tree, m) + " (expected: " + expectedFor(m.getTargetType()) + ")";
        } else {
            problem = syntax(e);
        }
        return new ConfigException(source + ": " + problem);
    }

    /** The kind named in the tree, if it names one; overrides use it to decide which parameters apply. */
    private static TopologyKind kindOf(JsonNode kind) {
        return kind == null ? TopologyKind.SINGLE_ACCEPTOR : TopologyKind.named(kind.asText());
    }

    /** The offending value as the file wrote it: exceptions only carry it for some mistakes. */
    private static String valueAt(JsonNode tree, JsonMappingException e) {
        JsonNode node = tree;
        for (JsonMappingException.Reference r : e.getPath()) {
            node = r.getFieldName() != null ? node.path(r.getFieldName()) : node.path(r.getIndex());
        }
        if (node.isTextual()) {
            return "'" + node.textValue() + "'";
        }
        if (node.isObject()) {
            return "a mapping";
        }
        if (node.isArray()) {
            return "a list";
        }
        return node.isMissingNode() ? "?" : node.toString();
    }

    private static String path(JsonMappingException e) {
        String path = e.getPath().stream()
                .map(r -> r.getFieldName() != null ? r.getFieldName() : "[" + r.getIndex() + "]")
                .collect(Collectors.joining("."))
                .replace(".[", "[");
        return path.isEmpty() ? "(document)" : path;
    }

    private static String expected(InvalidFormatException e) {
        if (e instanceof BadValueException bad) {
            return bad.expected;
        }
        return expectedFor(e.getTargetType());
    }

    private static String expectedFor(Class<?> type) {
        if (type == null) {
            return "another value";
        }
        if (type.isEnum() && YamlEnum.class.isAssignableFrom(type)) {
            return "one of " + Arrays.stream(type.getEnumConstants())
                    .map(c -> ((YamlEnum) c).yamlName()).collect(Collectors.joining(", "));
        }
        if (type == Integer.class || type == int.class || type == Long.class) {
            return "an integer";
        }
        if (type == Boolean.class || type == boolean.class) {
            return "true or false";
        }
        if (type == String.class) {
            return "a string";
        }
        if (type == Duration.class) {
            return Durations.EXPECTED;
        }
        if (type == DataSize.class) {
            return DataSize.EXPECTED;
        }
        if (type.isRecord()) {
            return "a mapping";
        }
        return type.getSimpleName();
    }

    private static String syntax(JsonProcessingException e) {
        JsonLocation at = e.getLocation();
        String where = at == null || at.getLineNr() < 0 ? "" : "line " + at.getLineNr() + ", column "
                + at.getColumnNr() + ": ";
        String message = Objects.requireNonNullElse(e.getOriginalMessage(), "unreadable YAML");
        return where + message.lines().findFirst().orElse(message).trim();
    }

    private static String rootMessage(Throwable t) {
        while (t.getCause() != null) {
            t = t.getCause();
        }
        return String.valueOf(t.getMessage());
    }

    private static ObjectMapper configure(JsonMapper.Builder builder) {
        SimpleModule units = new SimpleModule("topo-units");
        units.addDeserializer(Duration.class, new TextDeserializer<>(Duration.class, Durations.EXPECTED) {
            @Override
            Duration parse(String text) {
                return Durations.parse(text);
            }
        });
        units.addDeserializer(DataSize.class, new TextDeserializer<>(DataSize.class, DataSize.EXPECTED) {
            @Override
            DataSize parse(String text) {
                return DataSize.parse(text);
            }
        });
        units.addSerializer(Duration.class, new JsonSerializer<>() {
            @Override
            public void serialize(Duration value, JsonGenerator gen, SerializerProvider p) throws IOException {
                gen.writeString(Durations.format(value));
            }
        });
        units.addSerializer(DataSize.class, new JsonSerializer<>() {
            @Override
            public void serialize(DataSize value, JsonGenerator gen, SerializerProvider p) throws IOException {
                gen.writeString(value.toString());
            }
        });
        return builder
                .addModule(units)
                .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
                .enable(DeserializationFeature.FAIL_ON_READING_DUP_TREE_KEY)
                .disable(DeserializationFeature.ACCEPT_FLOAT_AS_INT)
                .disable(MapperFeature.ALLOW_COERCION_OF_SCALARS)
                .build();
    }

    /** A value of the right YAML type whose text does not parse; carries what would have. */
    static final class BadValueException extends InvalidFormatException {
        private static final long serialVersionUID = 1L;
        final String expected;

        BadValueException(JsonParser p, String value, Class<?> type, String expected) {
            super(p, expected, value, type);
            this.expected = expected;
        }
    }

    /** Scalars written as text (or as a bare integer, for sizes in bytes). */
    private abstract static class TextDeserializer<T> extends JsonDeserializer<T> {
        private final Class<T> type;
        private final String expected;

        TextDeserializer(Class<T> type, String expected) {
            this.type = type;
            this.expected = expected;
        }

        abstract T parse(String text);

        @Override
        public T deserialize(JsonParser p, DeserializationContext ctxt) throws IOException {
            JsonToken token = p.currentToken();
            if (token != JsonToken.VALUE_STRING && token != JsonToken.VALUE_NUMBER_INT) {
                throw new BadValueException(p, p.getText(), type, expected);
            }
            String text = p.getText();
            try {
                return parse(text);
            } catch (IllegalArgumentException | ArithmeticException e) {
                throw new BadValueException(p, text, type, expected);
            }
        }
    }
}
