package dev.topo.config;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonValue;

/** What thread-pool does with a new connection when its queue is full. */
public enum WhenFull implements YamlEnum {
    /** Answer 503 and close at once: the client learns of the overload immediately. */
    @JsonProperty("reject") REJECT,
    /** Stop accepting until the queue has room: the overload waits in the kernel's listen backlog. */
    @JsonProperty("block") BLOCK;

    @JsonValue
    @Override
    public String yamlName() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
