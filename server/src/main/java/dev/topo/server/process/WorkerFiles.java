package dev.topo.server.process;

import dev.topo.config.ConfigLoader;
import dev.topo.config.ServerConfig;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A master's private directory: the resolved configuration its workers load (command-line overrides included) and
 * the Unix sockets connections are passed over. Under {@code java.io.tmpdir}, because a socket path must stay under
 * 108 bytes; removed when the master stops (a SIGKILLed master leaves it behind).
 */
public final class WorkerFiles {
    private static final Logger log = LoggerFactory.getLogger(WorkerFiles.class);
    private final Path dir;

    private WorkerFiles(Path dir) {
        this.dir = dir;
    }

    public static WorkerFiles create() {
        try {
            return new WorkerFiles(Files.createTempDirectory("topo-" + ProcessHandle.current().pid() + "-"));
        } catch (IOException e) {
            throw new UncheckedIOException(new IOException("cannot create the workers' directory: "
                    + e.getMessage(), e));
        }
    }

    /** Writes {@code config} as YAML to {@code name.yaml} (replacing it) and returns its path. */
    public Path writeConfig(String name, ServerConfig config) {
        Path file = dir.resolve(name + ".yaml");
        try {
            // Written aside and moved, so that a worker starting now never reads half a file.
            Path tmp = Files.writeString(dir.resolve(name + ".yaml.tmp"), ConfigLoader.toYaml(config));
            return Files.move(tmp, file, java.nio.file.StandardCopyOption.REPLACE_EXISTING,
                    java.nio.file.StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public Path socket(String name) {
        return dir.resolve(name + ".sock");
    }

    public void delete(Path file) {
        try {
            Files.deleteIfExists(file);
        } catch (IOException e) {
            log.debug("cannot delete {}", file, e);
        }
    }

    public void deleteAll() {
        try (Stream<Path> files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).forEach(this::delete);
        } catch (IOException e) {
            log.debug("cannot clean {}", dir, e);
        }
    }
}
