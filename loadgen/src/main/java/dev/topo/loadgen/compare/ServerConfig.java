package dev.topo.loadgen.compare;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Locale;

/**
 * What compare needs to know of a server configuration before starting it: which scenarios apply (protocol) and
 * whether it is skipped by default (kind). The server itself validates the rest.
 *
 * @param name     file name without {@code .yaml}: the row label
 * @param file     the YAML file
 * @param kind     {@code topology.kind}
 * @param protocol {@code http} or {@code echo}
 */
public record ServerConfig(String name, Path file, String kind, String protocol) {

    public static ServerConfig read(Path file) throws IOException {
        JsonNode root = new ObjectMapper(new YAMLFactory()).readTree(file.toFile());
        String fileName = file.getFileName().toString();
        String name = fileName.replaceFirst("\\.ya?ml$", "");
        // Defaults as documented in the README: an empty file is a reuseport http server.
        String kind = root == null ? "reuseport" : root.path("topology").path("kind").asText("reuseport");
        String protocol = root == null ? "http" : root.path("protocol").asText("http");
        return new ServerConfig(name, file, kind.toLowerCase(Locale.ROOT), protocol.toLowerCase(Locale.ROOT));
    }
}
