package dev.topo.server.config;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonValue;

/** The accept/IO models Topo can run. */
public enum TopologyKind implements YamlEnum {
    /** One listening socket on one boss loop; accepted connections go to a pool of worker loops. */
    @JsonProperty("single-acceptor") SINGLE_ACCEPTOR("single-acceptor"),
    /** N SO_REUSEPORT sockets on one address, each with its own boss/worker loops; the kernel spreads connections. */
    @JsonProperty("reuseport") REUSEPORT("reuseport");

    private final String yamlName;

    TopologyKind(String yamlName) {
        this.yamlName = yamlName;
    }

    @JsonValue
    @Override
    public String yamlName() {
        return yamlName;
    }
}
