package dev.topo.server.cli;

import dev.topo.config.ConfigException;
import dev.topo.config.ConfigLoader;
import dev.topo.config.Durations;
import dev.topo.config.Overrides;
import dev.topo.config.ServerConfig;
import dev.topo.server.ConfigFileWatcher;
import dev.topo.server.TopoServer;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine;

/** {@code topo server}: runs the server a YAML file describes until SIGTERM or SIGINT. */
@Command(name = "topo server", mixinStandardHelpOptions = true, versionProvider = TopoServerCommand.Version.class,
        sortOptions = false, usageHelpAutoWidth = true, resourceBundle = "dev.topo.server.cli.OverrideHelp",
        description = "Runs a Netty server whose accept/IO topology is chosen in YAML.",
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:stopped gracefully (or --check passed)", "1:failed at run time (e.g. port in use)",
                "2:bad configuration or options"})
public final class TopoServerCommand implements Callable<Integer> {
    private static final Logger log = LoggerFactory.getLogger(TopoServerCommand.class);

    @Spec
    private CommandSpec spec;

    @Option(names = {"-c", "--config"}, paramLabel = "FILE", defaultValue = "${env:TOPO_CONFIG}",
            description = "YAML configuration (default: $TOPO_CONFIG).")
    private Path config;

    @Option(names = "--host", description = "Override bind.host.")
    private String host;

    @Option(names = {"-p", "--port"}, description = "Override bind.port (0 = ephemeral).")
    private Integer port;

    @Option(names = "--admin-host", description = "Override admin.host.")
    private String adminHost;

    @Option(names = "--admin-port", description = "Override admin.port (0 = ephemeral).")
    private Integer adminPort;

    // The texts of the options below name kinds and keys: OverrideHelp derives them from the kinds' registry.
    @Option(names = {"-t", "--topology"}, paramLabel = "KIND", descriptionKey = "topology")
    private String topology;

    @Option(names = {"-l", "--listeners"}, descriptionKey = "listeners")
    private Integer listeners;

    @Option(names = {"-w", "--workers"}, descriptionKey = "workers")
    private Integer workers;

    @Option(names = "--processes", paramLabel = "N", descriptionKey = "processes")
    private Integer processes;

    @Option(names = "--check", description = "Validate the configuration, print it resolved, and exit.")
    private boolean check;

    public static void main(String[] args) {
        LeakDetection.offUnlessAsked();
        System.exit(new CommandLine(new TopoServerCommand()).execute(args));
    }

    @Override
    public Integer call() throws InterruptedException {
        PrintWriter err = spec.commandLine().getErr();
        if (config == null) {
            err.println("topo server: no configuration: pass --config FILE or set TOPO_CONFIG (see config/*.yaml)");
            return 2;
        }
        ServerConfig resolved;
        // Hashed before it is read: an edit while the server starts is then a change reload.watch still sees.
        byte[] loaded = ConfigFileWatcher.contentHash(config);
        try {
            resolved = ConfigLoader.load(config, new Overrides(host, port, adminHost, adminPort, topology, listeners,
                    workers, processes));
        } catch (ConfigException e) {
            err.println("topo server: " + e.getMessage());
            return 2;
        }
        if (check) {
            PrintWriter out = spec.commandLine().getOut();
            out.println("# " + config + ": valid; resolved with every default filled in");
            out.print(ConfigLoader.toYaml(resolved));
            out.flush();
            return 0;
        }
        Overrides overrides = new Overrides(host, port, adminHost, adminPort, topology, listeners, workers, processes);
        return run(resolved, loaded, () -> ConfigLoader.load(config, overrides), err);
    }

    /**
     * Runs until stopped; {@code source} reads the file again for a live reload (SIGHUP, {@code POST /reload}, the
     * file changing under {@code reload.watch}), with the same command-line overrides as at start.
     */
    private int run(ServerConfig config, byte[] loaded, Supplier<ServerConfig> source, PrintWriter err)
            throws InterruptedException {
        // Before the start: a multi-process start takes seconds, and a SIGTERM in the middle must still drain the
        // workers and remove their files once they are up, not kill the master with them half-started.
        CompletableFuture<String> stopRequested = new CompletableFuture<>();
        Signals.onTerminate(() -> stopRequested.complete(null));
        // Also before the start: SIGHUP's default action would end the JVM. Until the server runs it reloads nothing.
        AtomicReference<TopoServer> running = new AtomicReference<>();
        Signals.onHangup(() -> {
            TopoServer s = running.get();
            if (s == null) {
                log.warn("SIGHUP before the server is ready: nothing to reload yet");
            } else {
                s.reload("SIGHUP");
            }
        });
        TopoServer server;
        try {
            server = TopoServer.start(config);
        } catch (ConfigException e) {
            err.println("topo server: " + config + ": " + e.getMessage());
            return 2;
        } catch (UncheckedIOException e) {
            err.println("topo server: " + e.getCause().getMessage());
            return 1;
        }
        server.reloadFrom(source);
        running.set(server);
        ConfigFileWatcher watcher = config.reload().watch()
                ? ConfigFileWatcher.start(this.config, loaded, () -> server.reload("watch")) : null;
        // A multi-process server can also fail on its own (its supervisor gave up on a worker): then exit 1.
        String failure = stopRequested.applyToEither(server.failure(), reason -> reason).join();
        if (failure != null) {
            log.error("stopping: {}", failure);
        } else {
            log.info("stopping: not ready for {}, then draining for up to {}",
                    Durations.format(config.drainDelay()), Durations.format(config.drainTimeout()));
        }
        if (watcher != null) {
            watcher.close();
        }
        server.stop();
        return failure == null ? 0 : 1;
    }

    /** The version the jar's manifest carries. */
    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String v = TopoServerCommand.class.getPackage().getImplementationVersion();
            return new String[] {"topo server " + (v == null ? "(development build)" : v),
                    "Netty " + io.netty.util.Version.identify().values().stream().findFirst()
                            .map(io.netty.util.Version::artifactVersion).orElse("?"),
                    "Java " + Runtime.version()};
        }
    }
}
