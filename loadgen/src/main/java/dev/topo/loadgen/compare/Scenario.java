package dev.topo.loadgen.compare;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.topo.loadgen.cli.DurationConverter;
import dev.topo.loadgen.engine.ConnectionMode;
import dev.topo.loadgen.engine.LoadSpec;
import dev.topo.loadgen.engine.Target;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * One load model of {@code scenarios.yaml}, turned into a {@link LoadSpec} once the server's port is known.
 *
 * @param name           unique name (table column, chart label)
 * @param protocol       {@code http} or {@code echo}; a scenario only runs on configurations of that protocol
 * @param path           HTTP request target
 * @param connectionMode keep-alive or per-request
 * @param connections    connections (concurrent connections in per-request mode)
 * @param threads        client event loops
 * @param rate           open-loop requests per second, 0 for closed loop
 * @param size           echo payload bytes
 * @param timeout        connect and response timeout
 */
public record Scenario(String name, String protocol, String path, ConnectionMode connectionMode, int connections,
                       int threads, double rate, int size, @JsonIgnore Duration timeout) {

    /** The JSON form of {@link #timeout}: seconds, as in the load generator's own JSON. */
    @JsonProperty("timeoutSeconds")
    public double timeoutSeconds() {
        return timeout.toMillis() / 1e3;
    }

    private static final Set<String> KEYS = Set.of("name", "protocol", "path", "connectionMode", "connections",
            "threads", "rate", "size", "timeout");

    public Scenario {
        if (name == null || !name.matches("[A-Za-z0-9_.-]+")) {
            throw new IllegalArgumentException("scenario name '" + name + "' must be letters, digits, '_', '.', '-'");
        }
        if (!protocol.equals("http") && !protocol.equals("echo")) {
            throw new IllegalArgumentException("scenario " + name + ": protocol must be http or echo");
        }
    }

    public LoadSpec spec(String host, int port, Duration duration, Duration warmup) {
        Target target = Target.parse(protocol.equals("http") ? "http://" + host + ":" + port + path
                : "tcp://" + host + ":" + port);
        LoadSpec.Builder b = LoadSpec.builder(target).connections(connections).threads(threads).rate(rate)
                .connectionMode(connectionMode).duration(duration).warmup(warmup).timeout(timeout);
        if (!target.isHttp()) {
            byte[] payload = new byte[size];
            java.util.Arrays.fill(payload, (byte) 'x');
            b.body(payload);
        }
        return b.build();
    }

    /** Reads {@code scenarios:} from a YAML file; every error is one line naming the file and the scenario. */
    public static List<Scenario> load(Path file) throws IOException {
        JsonNode root = new ObjectMapper(new YAMLFactory()).readTree(file.toFile());
        JsonNode list = root == null ? null : root.get("scenarios");
        if (list == null || !list.isArray() || list.isEmpty()) {
            throw new IllegalArgumentException(file + ": expected a non-empty list 'scenarios:'");
        }
        List<Scenario> out = new ArrayList<>();
        Set<String> names = new HashSet<>();
        for (JsonNode n : list) {
            Scenario s;
            try {
                s = of(n);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(file + ": " + e.getMessage());
            }
            if (!names.add(s.name())) {
                throw new IllegalArgumentException(file + ": scenario '" + s.name() + "' is defined twice");
            }
            out.add(s);
        }
        return List.copyOf(out);
    }

    static Scenario of(JsonNode n) {
        String name = n.path("name").asText(null);
        // Unknown keys are refused: a misspelt 'connectons' would otherwise silently run the default.
        for (Iterator<String> it = n.fieldNames(); it.hasNext(); ) {
            String k = it.next();
            if (!KEYS.contains(k)) {
                throw new IllegalArgumentException("scenario " + name + ": unknown key '" + k + "' (expected one of "
                        + new java.util.TreeSet<>(KEYS) + ")");
            }
        }
        String protocol = n.path("protocol").asText("http").toLowerCase(Locale.ROOT);
        String modeText = n.path("connectionMode").asText("keepalive").toLowerCase(Locale.ROOT);
        ConnectionMode mode = switch (modeText) {
            case "keepalive", "keep-alive" -> ConnectionMode.KEEPALIVE;
            case "per-request" -> ConnectionMode.PER_REQUEST;
            default -> throw new IllegalArgumentException("scenario " + name + ": connectionMode '" + modeText
                    + "' (expected keepalive or per-request)");
        };
        String path = n.path("path").asText("/");
        if (!path.startsWith("/")) {
            throw new IllegalArgumentException("scenario " + name + ": path must start with '/'");
        }
        int connections = n.path("connections").asInt(16);
        int threads = n.path("threads").asInt(1);
        double rate = n.path("rate").asDouble(0);
        int size = n.path("size").asInt(64);
        if (connections < 1 || threads < 1 || threads > connections || rate < 0 || size < 1) {
            throw new IllegalArgumentException("scenario " + name
                    + ": connections, threads, size must be >= 1 (threads <= connections), rate >= 0");
        }
        Duration timeout = DurationConverter.parse(n.path("timeout").asText("5s"));
        return new Scenario(name, protocol, path, mode, connections, threads, rate, size, timeout);
    }
}
