package dev.topo.config;

/** Where the service listens. Port 0 binds an ephemeral port (tests read the bound one back). */
public record BindConfig(String host, Integer port) {
    public BindConfig {
        host = Check.notBlank("bind.host", Check.orDefault(host, "0.0.0.0"));
        port = Check.between("bind.port", Check.orDefault(port, 8080), 0, 65535);
    }

    public static BindConfig defaults() {
        return new BindConfig(null, null);
    }
}
