package dev.topo.config;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.JsonDeserializer;
import java.io.IOException;

/** A thread count that may be written {@code auto}: the CPUs the JVM sees, which honours container CPU limits. */
final class CpuCountDeserializer extends JsonDeserializer<Integer> {
    static final String EXPECTED = "an integer or auto";

    static int cpus() {
        return Runtime.getRuntime().availableProcessors();
    }

    @Override
    public Integer deserialize(JsonParser p, DeserializationContext ctxt) throws IOException {
        if (p.currentToken() == JsonToken.VALUE_NUMBER_INT) {
            return p.getIntValue();
        }
        String text = p.getValueAsString();
        if ("auto".equals(text)) {
            return cpus();
        }
        if (text != null && text.matches("\\d{1,9}")) {
            return Integer.parseInt(text);
        }
        throw new ConfigLoader.BadValueException(p, text == null ? p.getText() : text, Integer.class, EXPECTED);
    }
}
