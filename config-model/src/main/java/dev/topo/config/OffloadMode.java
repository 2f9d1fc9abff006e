package dev.topo.config;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonValue;

/** How offloaded request handling is spread over {@code handler.offloadThreads} threads. */
public enum OffloadMode implements YamlEnum {
    /**
     * Each connection is pinned to one offload thread for its life (half-sync/half-async): its requests keep their
     * order for free, but a slow request holds up every connection that shares its thread.
     */
    @JsonProperty("pinned") PINNED("pinned"),
    /**
     * The loops put requests on one shared queue and any free offload thread takes the next one
     * (half-sync/half-reactor): no connection waits behind another's slow request while a thread is free.
     */
    @JsonProperty("shared-queue") SHARED_QUEUE("shared-queue");

    private final String yamlName;

    OffloadMode(String yamlName) {
        this.yamlName = yamlName;
    }

    @JsonValue
    @Override
    public String yamlName() {
        return yamlName;
    }
}
