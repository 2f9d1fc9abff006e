package dev.topo.config;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonValue;

/** What the server speaks on its listeners. */
public enum Protocol implements YamlEnum {
    @JsonProperty("http") HTTP,
    /** Raw TCP: bytes in, the same bytes out. */
    @JsonProperty("echo") ECHO;

    @JsonValue
    @Override
    public String yamlName() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
