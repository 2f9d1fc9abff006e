package dev.topo.config;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonValue;

/** Which Netty transport carries the sockets. */
public enum Transport implements YamlEnum {
    @JsonProperty("epoll") EPOLL,
    @JsonProperty("nio") NIO,
    /** epoll when the native library loads, NIO otherwise. */
    @JsonProperty("auto") AUTO;

    @JsonValue
    @Override
    public String yamlName() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
