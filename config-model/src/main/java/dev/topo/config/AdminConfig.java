package dev.topo.config;

/** The admin endpoint ({@code /metrics}, {@code /topology}, {@code /healthz}); loopback unless told otherwise. */
public record AdminConfig(Boolean enabled, String host, Integer port) {
    public AdminConfig {
        enabled = Check.orDefault(enabled, true);
        host = Check.notBlank("admin.host", Check.orDefault(host, "127.0.0.1"));
        port = Check.between("admin.port", Check.orDefault(port, 9090), 0, 65535);
    }

    public static AdminConfig defaults() {
        return new AdminConfig(null, null, null);
    }
}
