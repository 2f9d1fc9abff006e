package dev.topo.config;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonValue;

/** Which Netty transport carries the sockets. */
public enum Transport implements YamlEnum {
    @JsonProperty("epoll") EPOLL,
    /** Linux io_uring: completions instead of readiness, multishot accept and receive where the kernel has them. */
    @JsonProperty("io_uring") IO_URING,
    @JsonProperty("nio") NIO,
    /** epoll when the native library loads, NIO otherwise; never io_uring, which is asked for by name. */
    @JsonProperty("auto") AUTO;

    @JsonValue
    @Override
    public String yamlName() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
