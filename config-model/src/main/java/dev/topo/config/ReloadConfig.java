package dev.topo.config;

/**
 * Live switching ({@code POST /reload}, {@code SIGHUP} and {@code topo reload} always work).
 *
 * @param watch reload when the configuration file changes, including the symlink swap of a mounted Kubernetes
 *              ConfigMap; read at start
 */
public record ReloadConfig(Boolean watch) {
    public ReloadConfig {
        watch = Check.orDefault(watch, false);
    }

    public static ReloadConfig defaults() {
        return new ReloadConfig(null);
    }
}
