package dev.topo.config;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonValue;

/** How a process-fd-passing master picks the worker process that gets the next accepted connection. */
public enum Dispatch implements YamlEnum {
    /** Each worker in turn, whatever it is doing: even counts, blind to long-lived connections. */
    @JsonProperty("round-robin") ROUND_ROBIN("round-robin"),
    /** The worker with the fewest open connections (ties: the lowest slot), as the workers report closes back. */
    @JsonProperty("least-connections") LEAST_CONNECTIONS("least-connections");

    private final String yamlName;

    Dispatch(String yamlName) {
        this.yamlName = yamlName;
    }

    @JsonValue
    @Override
    public String yamlName() {
        return yamlName;
    }
}
