package dev.topo.server.cli;

/**
 * Netty's buffer-leak detection, off in a running server unless the command line asks for it
 * ({@code -Dio.netty.leakDetection.level=simple}, e.g. through {@code TOPO_JAVA_OPTS}). At Netty's default level it
 * wraps every buffer and records a stack trace for one in 128, on the path of every request: about 1% of a keep-alive
 * server's CPU in a profile here, for a check that belongs in tests (which run it at {@code paranoid}) and not in a
 * server being measured against nginx. Must run before any Netty class reads the property.
 */
final class LeakDetection {
    static final String PROPERTY = "io.netty.leakDetection.level";

    private LeakDetection() {
    }

    static void offUnlessAsked() {
        if (System.getProperty(PROPERTY) == null) {
            System.setProperty(PROPERTY, "disabled");
        }
    }
}
