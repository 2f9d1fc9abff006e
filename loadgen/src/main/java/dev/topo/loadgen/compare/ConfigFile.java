package dev.topo.loadgen.compare;

import dev.topo.config.ConfigException;
import dev.topo.config.ConfigLoader;
import dev.topo.config.Protocol;
import dev.topo.config.ServerConfig;
import dev.topo.config.TopologyKind;

import java.nio.file.Path;

/**
 * What compare needs to know of a server configuration before starting it: which scenarios apply (protocol) and
 * whether it is skipped by default (kind). Read by the server's own loader, so the defaults (a file without
 * {@code topology.kind} is a single-acceptor server) and the refusals are the server's: a file the server would
 * refuse is known to fail before any process starts, with the very message the server would print.
 *
 * @param name     file name without {@code .yaml}: the row label
 * @param file     the YAML file
 * @param kind     {@code topology.kind}, defaults applied
 * @param protocol what the server speaks, defaults applied
 */
public record ConfigFile(String name, Path file, TopologyKind kind, Protocol protocol) {

    /** Reads {@code file}; a {@link ConfigException} carries the server's message ({@code file: path: value ...}). */
    public static ConfigFile read(Path file) {
        ServerConfig config = ConfigLoader.load(file);
        return new ConfigFile(nameOf(file), file, config.topology().kind(), config.protocol());
    }

    /** The row label of {@code file}, also for a file that cannot be read. */
    public static String nameOf(Path file) {
        return file.getFileName().toString().replaceFirst("\\.ya?ml$", "");
    }
}
