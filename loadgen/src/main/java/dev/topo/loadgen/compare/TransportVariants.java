package dev.topo.loadgen.compare;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import dev.topo.config.ConfigException;
import dev.topo.config.Transport;
import dev.topo.config.TopologyKind;
import dev.topo.loadgen.engine.InvalidValueException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * {@code compare --transports epoll,io_uring}: every configuration whose connections are served by event loops, once
 * per transport, as a copy of its file with {@code transport} set, named {@code NAME@TRANSPORT} (the row label).
 * Kinds served by blocking threads have no transport to choose and keep their one row; a file the server would
 * refuse is kept as it is, so the run reports the server's own message. A transport a kind cannot run on (the server
 * refuses it) shows as that row's failure, with the reason.
 */
public final class TransportVariants {
    private static final YAMLMapper YAML = new YAMLMapper();

    private TransportVariants() {
    }

    /** The transports named in {@code --transports}, checked against the configuration's names for them. */
    public static List<String> parse(List<String> names) {
        List<String> known = Arrays.stream(Transport.values()).map(Transport::yamlName).toList();
        for (String name : names) {
            if (!known.contains(name)) {
                throw new InvalidValueException("--transports", InvalidValueException.quoted(name),
                        "a list of " + String.join(", ", known));
            }
        }
        return names.stream().distinct().toList();
    }

    /** The files to run: variants written under {@code dir}, in the order of {@code files} then of transports. */
    public static List<Path> of(List<Path> files, List<String> transports, Path dir) throws IOException {
        Files.createDirectories(dir);
        List<Path> runs = new ArrayList<>();
        for (Path file : files) {
            TopologyKind kind;
            try {
                kind = ConfigFile.read(file).kind();
            } catch (ConfigException e) {
                runs.add(file);
                continue;
            }
            if (kind.servedBy() == TopologyKind.ServedBy.BLOCKING_THREADS) {
                runs.add(file);
                continue;
            }
            // An empty file is a valid configuration (every default): its tree is not an object.
            JsonNode tree = YAML.readTree(file.toFile());
            ObjectNode yaml = tree instanceof ObjectNode o ? o : YAML.createObjectNode();
            for (String transport : transports) {
                ObjectNode variant = yaml.deepCopy();
                variant.put("transport", transport);
                Path copy = dir.resolve(ConfigFile.nameOf(file) + "@" + transport + ".yaml");
                Files.writeString(copy, "# " + file + " with transport: " + transport + " (compare --transports)\n"
                        + YAML.writeValueAsString(variant));
                runs.add(copy);
            }
        }
        return runs;
    }
}
