package dev.topo.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;

@Timeout(30)
class ConfigLoaderTest {
    @TempDir
    Path dir;

    static List<Path> bundledConfigs() throws IOException {
        List<Path> files = new ArrayList<>();
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(Path.of("../config"), "*.yaml")) {
            ds.forEach(files::add);
        }
        assertTrue(files.size() >= 3, "config/ should hold one file per topology, found " + files);
        return files;
    }

    @ParameterizedTest
    @MethodSource("bundledConfigs")
    void everyBundledConfigLoads(Path file) {
        if (file.getFileName().toString().equals("scenarios.yaml")) {
            return;
        }
        ServerConfig config = ConfigLoader.load(file);
        String name = file.getFileName().toString();
        // Each file is named for what it runs: the kind (reuseport-pools.yaml is a reuseport), or the protocol.
        assertTrue(name.startsWith(config.topology().kind().yamlName())
                || name.startsWith(config.protocol().yamlName()), name + " runs " + config.topology().kind());
        assertEquals(config, ConfigLoader.parse(ConfigLoader.toYaml(config), name), "what --check prints reads back");
    }

    @Test
    void fullFileBindsEveryValue() throws IOException {
        ServerConfig c = load("""
                bind: {host: 127.0.0.1, port: 0}
                transport: nio
                topology: {kind: reuseport, listeners: 3, workersPerListener: 0, acceptBatch: 4, backlog: 64}
                protocol: echo
                limits: {maxConnections: 5, idleTimeout: 1500ms, requestTimeout: 200us, maxHeaderSize: 16KiB,
                         maxInitialLineLength: 1KB, maxBodySize: 2MiB}
                work: {maxCpu: 2s, maxSleep: 1m, maxBytes: 1024}
                drainTimeout: 0
                admin: {enabled: false, port: 0}
                """);
        assertEquals("127.0.0.1", c.bind().host());
        assertEquals(0, c.bind().port());
        assertEquals(Transport.NIO, c.transport());
        assertEquals(TopologyKind.REUSEPORT, c.topology().kind());
        assertEquals(3, c.topology().parameters(ReusePortParameters.class).listeners());
        assertEquals(0, c.topology().parameters(ReusePortParameters.class).workersPerListener());
        assertEquals(4, c.topology().listen().acceptBatch());
        assertEquals(Protocol.ECHO, c.protocol());
        assertEquals(Duration.ofMillis(1500), c.limits().idleTimeout());
        assertEquals(Duration.ofNanos(200_000), c.limits().requestTimeout());
        assertEquals(16 * 1024, c.limits().maxHeaderSize().bytes());
        assertEquals(1000, c.limits().maxInitialLineLength().bytes());
        assertEquals(2 << 20, c.limits().maxBodySize().bytes());
        assertEquals(Duration.ofMinutes(1), c.work().maxSleep());
        assertEquals(1024, c.work().maxBytes().bytes());
        assertEquals(Duration.ZERO, c.drainTimeout());
        assertEquals(false, c.admin().enabled());
    }

    @Test
    void emptyFileMeansDefaults() throws IOException {
        ServerConfig c = load("# nothing but a comment\n");
        assertEquals(ServerConfig.defaults(), c);
        assertEquals(8080, c.bind().port());
        assertEquals(9090, c.admin().port());
        assertEquals("127.0.0.1", c.admin().host());
        assertEquals(Runtime.getRuntime().availableProcessors(),
                c.topology().parameters(SingleAcceptorParameters.class).workers());
    }

    @Test
    void autoMeansTheCpusTheJvmSees() throws IOException {
        ServerConfig c = load("topology: {kind: reuseport, listeners: auto}\n");
        assertEquals(Runtime.getRuntime().availableProcessors(),
                c.topology().parameters(ReusePortParameters.class).listeners());
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            topology: {kind: reuseport, listeners: 0}   | topology.listeners: 0 (expected: 1..256)
            topology: {kind: single-acceptor, workers: -1} | topology.workers: -1 (expected: 1..4096)
            topology: {listenrs: 2}                     | topology.listenrs: unknown key (expected: one of acceptBatch, acceptMutex, backlog, deferAccept, dispatch, kind, listeners, loops, maxChildren, maxRestarts, maxThreads, processes, queue, standbyWorkers, threads, whenFull, workers, workersPerListener)
            colour: blue                                | colour: unknown key (expected: one of admin, bind, drainDelay, drainTimeout, handler, limits, protocol, reload, topology, transport, work)
            topology: {kind: prefork}                   | topology.kind: 'prefork' (expected: one of single-acceptor, reuseport, shared-listener, iterative, thread-per-connection, thread-pool, process-reuseport, process-shared-listener, process-fd-passing, process-per-connection)
            transport: uring                            | transport: 'uring' (expected: one of epoll, io_uring, nio, auto)
            bind: {port: 70000}                         | bind.port: 70000 (expected: 0..65535)
            bind: {port: eighty}                        | bind.port: 'eighty' (expected: an integer)
            bind: {port: 80.5}                          | bind.port: 80.5 (expected: an integer)
            limits: {idleTimeout: 30 parsecs}           | limits.idleTimeout: '30 parsecs' (expected: a duration like 30s, 500ms, 200us, 2m)
            limits: {idleTimeout: 0s}                   | limits.idleTimeout: 0s (expected: > 0)
            limits: {maxHeaderSize: 8 KiBs}             | limits.maxHeaderSize: '8 KiBs' (expected: a size like 512, 8KiB, 1MiB)
            limits: {maxHeaderSize: 10}                 | limits.maxHeaderSize: 10 (expected: 256..1MiB)
            topology: {workers: many}                   | topology.workers: 'many' (expected: an integer or auto)
            topology: {kind: single-acceptor, listeners: 4} | topology.listeners: 4 (expected: only with kind process-reuseport, reuseport; this is kind single-acceptor)
            topology: {kind: reuseport, workers: 4}     | topology.workers: 4 (expected: only with kind process-fd-passing, single-acceptor, thread-pool; this is kind reuseport)
            topology: {kind: iterative, acceptBatch: 4} | topology.acceptBatch: 4 (expected: only with kind process-fd-passing, process-per-connection, process-reuseport, process-shared-listener, reuseport, shared-listener, single-acceptor; this is kind iterative)
            topology: {kind: thread-pool, whenFull: drop} | topology.whenFull: 'drop' (expected: one of reject, block)
            topology: {kind: thread-per-connection, threads: green} | topology.threads: 'green' (expected: one of platform, virtual)
            {topology: {kind: iterative}, handler: {offloadThreads: 4}} | handler.offloadThreads: 4 (expected: 0 for kind iterative, whose handlers already run on their own blocking threads)
            handler: {offload: shared-queue}            | handler.offload: 'shared-queue' (expected: no value while handler.offloadThreads is 0: it says how the offload threads share the work)
            handler: {offloadThreads: 0, offload: pinned} | handler.offload: 'pinned' (expected: no value while handler.offloadThreads is 0: it says how the offload threads share the work)
            handler: {offloadThreads: 2, offload: stealing} | handler.offload: 'stealing' (expected: one of pinned, shared-queue)
            handler: {offloadThreads: 2, ofload: pinned} | handler.ofload: unknown key (expected: one of offload, offloadThreads)
            topology: {kind: process-reuseport, processes: 0} | topology.processes: 0 (expected: 1..64)
            topology: {kind: process-fd-passing, dispatch: random} | topology.dispatch: 'random' (expected: one of round-robin, least-connections)
            topology: {kind: process-reuseport, dispatch: least-connections} | topology.dispatch: 'least-connections' (expected: only with kind process-fd-passing; this is kind process-reuseport)
            topology: {kind: process-fd-passing, maxChildren: 4} | topology.maxChildren: 4 (expected: only with kind process-per-connection; this is kind process-fd-passing)
            topology: {kind: process-per-connection, maxChildren: 0} | topology.maxChildren: 0 (expected: 1..1024)
            topology: {kind: process-per-connection, processes: 2} | topology.processes: 2 (expected: only with kind process-fd-passing, process-reuseport, process-shared-listener; this is kind process-per-connection)
            topology: 3                                 | topology: 3 (expected: a mapping)
            admin: {enabled: maybe}                     | admin.enabled: 'maybe' (expected: true or false)
            drainTimeout: -1s                           | drainTimeout: '-1s' (expected: a duration like 30s, 500ms, 200us, 2m)
            limits: {maxPipelinedRequests: 0}           | limits.maxPipelinedRequests: 0 (expected: 1..1024)
            limits: {maxPipelinedRequests: lots}        | limits.maxPipelinedRequests: 'lots' (expected: an integer)
            limits: {sendTimeout: 0s}                   | limits.sendTimeout: 0s (expected: > 0)
            limits: {lingerTimeout: soon}               | limits.lingerTimeout: 'soon' (expected: a duration like 30s, 500ms, 200us, 2m)
            limits: {maxPipelined: 4}                   | limits.maxPipelined: unknown key (expected: one of idleTimeout, lingerTimeout, maxBodySize, maxConnections, maxHeaderSize, maxInitialLineLength, maxPipelinedRequests, requestTimeout, sendTimeout)
            """)
    void eachMistakeHasItsMessage(String yaml, String message) throws IOException {
        Path file = write(yaml + "\n");
        ConfigException e = assertThrows(ConfigException.class, () -> ConfigLoader.load(file));
        assertEquals(file + ": " + message, e.getMessage());
        assertEquals(0, e.getStackTrace().length, "config errors carry no stack trace");
    }

    @Test
    void yamlSyntaxErrorsNameTheLine() throws IOException {
        Path file = write("bind:\n  port: [1, 2\n");
        ConfigException e = assertThrows(ConfigException.class, () -> ConfigLoader.load(file));
        assertTrue(e.getMessage().startsWith(file + ": line "), e.getMessage());
    }

    @Test
    void duplicateKeysAreRejected() throws IOException {
        Path file = write("bind:\n  port: 1\n  port: 2\n");
        ConfigException e = assertThrows(ConfigException.class, () -> ConfigLoader.load(file));
        assertTrue(e.getMessage().contains("port"), e.getMessage());
    }

    @Test
    void missingFileIsOneLine() {
        Path file = dir.resolve("absent.yaml");
        ConfigException e = assertThrows(ConfigException.class, () -> ConfigLoader.load(file));
        assertEquals(file + ": no such file", e.getMessage());
    }

    @Test
    void overridesGoThroughTheSameValidation() throws IOException {
        Path file = write("topology: {kind: reuseport, listeners: 2}\n");
        ConfigException e = assertThrows(ConfigException.class, () -> ConfigLoader.load(file,
                new Overrides(null, null, null, null, null, 0, null)));
        assertEquals(file + " (with command-line overrides): topology.listeners: 0 (expected: 1..256)",
                e.getMessage());
    }

    @Test
    void overridingTheKindDropsParametersTheNewKindDoesNotUse() throws IOException {
        Path file = write("topology: {kind: single-acceptor, workers: 3, backlog: 77}\nbind: {port: 1}\n");
        ServerConfig c = ConfigLoader.load(file, new Overrides("127.0.0.1", 0, null, 0, "reuseport", 2, 0));
        assertEquals(TopologyKind.REUSEPORT, c.topology().kind());
        ReusePortParameters reuseport = c.topology().parameters(ReusePortParameters.class);
        assertEquals(2, reuseport.listeners());
        assertEquals(0, reuseport.workersPerListener(), "--workers maps to workersPerListener for reuseport");
        assertEquals(77, c.topology().listen().backlog(), "parameters every kind uses survive");
        assertEquals(0, c.bind().port());
        assertEquals(0, c.admin().port());
    }

    @Test
    void resolvedYamlRoundTrips() throws IOException {
        ServerConfig original = load("topology: {kind: reuseport, listeners: 3}\nlimits: {idleTimeout: 1500ms}\n");
        String yaml = ConfigLoader.toYaml(original);
        assertTrue(yaml.contains("idleTimeout: 1500ms"), yaml);
        assertEquals(original, ConfigLoader.parse(yaml, "resolved"));
    }

    @Test
    void offloadModeRoundTripsAndIsLeftOutWithoutOffload() throws IOException {
        ServerConfig shared = load("handler: {offloadThreads: 2, offload: shared-queue}\n");
        assertEquals(OffloadMode.SHARED_QUEUE, shared.handler().offload());
        assertEquals(shared, ConfigLoader.parse(ConfigLoader.toYaml(shared), "resolved"));
        assertEquals(OffloadMode.PINNED, load("handler: {offloadThreads: 2}\n").handler().offload(),
                "pinned is today's offload and stays the default");
        ServerConfig none = load("bind: {port: 1}\n");
        String yaml = ConfigLoader.toYaml(none);
        assertFalse(yaml.contains("offload:"), "no mode is printed when nothing is offloaded: " + yaml);
        assertEquals(none, ConfigLoader.parse(yaml, "resolved"));
    }

    @Test
    void durationsAndSizesParseAsPeopleWriteThem() {
        assertEquals(Duration.ofSeconds(30), Durations.parse("30s"));
        assertEquals(Duration.ofNanos(200_000), Durations.parse("200us"));
        assertEquals(Duration.ofMillis(1500), Durations.parse("1.5s"));
        assertEquals("1500ms", Durations.format(Duration.ofMillis(1500)));
        assertEquals("2m", Durations.format(Duration.ofSeconds(120)));
        assertEquals(8192, DataSize.parse("8KiB").bytes());
        assertEquals(8000, DataSize.parse("8kb").bytes());
        assertEquals("8KiB", DataSize.ofBytes(8192).toString());
        assertThrows(IllegalArgumentException.class, () -> DataSize.parse("99999999999999999999"));
    }

    @Test
    void hostileClientLimitsBindAndDefault() throws IOException {
        LimitsConfig set = load("limits: {maxPipelinedRequests: 4, sendTimeout: 5s, lingerTimeout: 250ms}\n").limits();
        assertEquals(4, set.maxPipelinedRequests());
        assertEquals(Duration.ofSeconds(5), set.sendTimeout());
        assertEquals(Duration.ofMillis(250), set.lingerTimeout());
        LimitsConfig defaults = LimitsConfig.defaults();
        assertEquals(16, defaults.maxPipelinedRequests());
        assertEquals(Duration.ofSeconds(30), defaults.sendTimeout());
        assertEquals(Duration.ofSeconds(2), defaults.lingerTimeout());
        String yaml = ConfigLoader.toYaml(load("limits: {sendTimeout: 5s}\n"));
        assertTrue(yaml.contains("sendTimeout: 5s") && yaml.contains("maxPipelinedRequests: 16"), yaml);
    }

    private ServerConfig load(String yaml) throws IOException {
        return ConfigLoader.load(write(yaml));
    }

    private Path write(String yaml) throws IOException {
        Path file = dir.resolve("topo.yaml");
        Files.writeString(file, yaml);
        return file;
    }
}
