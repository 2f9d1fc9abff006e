package dev.topo.config;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonValue;

/** The threads thread-per-connection starts: OS threads, or virtual threads (Java 21+ at run time). */
public enum ThreadKind implements YamlEnum {
    @JsonProperty("platform") PLATFORM,
    @JsonProperty("virtual") VIRTUAL;

    @JsonValue
    @Override
    public String yamlName() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
