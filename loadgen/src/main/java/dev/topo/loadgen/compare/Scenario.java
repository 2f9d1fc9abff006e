package dev.topo.loadgen.compare;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.topo.config.Durations;
import dev.topo.loadgen.engine.ConnectionMode;
import dev.topo.loadgen.engine.InvalidValueException;
import dev.topo.loadgen.engine.LoadSpec;
import dev.topo.loadgen.engine.RequestMix;
import dev.topo.loadgen.engine.Target;
import dev.topo.loadgen.engine.Warmup;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;

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
 * @param mix            a second path sent every N-th request of each client thread; null for none
 */
public record Scenario(String name, String protocol, String path, ConnectionMode connectionMode, int connections,
                       int threads, double rate, int size, @JsonIgnore Duration timeout, RequestMix mix) {

    /** The JSON form of {@link #timeout}: seconds, as in the load generator's own JSON. */
    @JsonProperty("timeoutSeconds")
    public double timeoutSeconds() {
        return timeout.toMillis() / 1e3;
    }

    private static final Set<String> KEYS = Set.of("name", "protocol", "path", "connectionMode", "connections",
            "threads", "rate", "size", "timeout", "mix");
    private static final Set<String> MIX_KEYS = Set.of("path", "every");

    public Scenario {
        if (name == null || !name.matches("[A-Za-z0-9_.-]+")) {
            throw new InvalidValueException("name", name == null ? "missing" : InvalidValueException.quoted(name),
                    "letters, digits, '_', '.', '-'");
        }
        if (!protocol.equals("http") && !protocol.equals("echo")) {
            throw new InvalidValueException("protocol", InvalidValueException.quoted(protocol), "http or echo");
        }
        if (!path.startsWith("/")) {
            throw new InvalidValueException("path", InvalidValueException.quoted(path), "a path starting with '/'");
        }
        if (size < 1) {
            throw new InvalidValueException("size", String.valueOf(size), ">= 1");
        }
    }

    public LoadSpec spec(String host, int port, Duration duration, Warmup warmup) {
        Target target = Target.parse(protocol.equals("http") ? "http://" + host + ":" + port + path
                : "tcp://" + host + ":" + port);
        LoadSpec.Builder b = LoadSpec.builder(target).connections(connections).threads(threads).rate(rate)
                .connectionMode(connectionMode).duration(duration).warmup(warmup).timeout(timeout).mix(mix);
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
            throw new InvalidValueException(file + ": scenarios", list == null ? "missing"
                    : list.isArray() ? "an empty list" : "not a list", "a non-empty list");
        }
        List<Scenario> out = new ArrayList<>();
        Set<String> names = new HashSet<>();
        for (JsonNode n : list) {
            String where = file + ": scenario " + n.path("name").asText("#" + (out.size() + 1));
            Scenario s;
            try {
                s = of(n);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(where + ": " + e.getMessage(), e);
            }
            if (!names.add(s.name())) {
                throw new InvalidValueException(where + ": name",
                        InvalidValueException.quoted(s.name()) + " is defined twice", "a unique name");
            }
            out.add(s);
        }
        return List.copyOf(out);
    }

    /** {@code mix: {path: /work?sleep=50ms, every: 100}}, or null when the key is absent. */
    static RequestMix mix(JsonNode n) {
        if (n == null || n.isNull()) {
            return null;
        }
        if (!n.isObject()) {
            throw new InvalidValueException("mix", InvalidValueException.quoted(n.asText()),
                    "{path: PATH, every: N}");
        }
        for (Iterator<String> it = n.fieldNames(); it.hasNext(); ) {
            String k = it.next();
            if (!MIX_KEYS.contains(k)) {
                throw new IllegalArgumentException("mix: unknown key " + InvalidValueException.quoted(k)
                        + " (expected: one of " + String.join(", ", new TreeSet<>(MIX_KEYS)) + ")");
            }
        }
        JsonNode every = n.path("every");
        if (!every.isMissingNode() && !every.canConvertToInt()) {
            throw new InvalidValueException("mix.every", InvalidValueException.quoted(every.asText()),
                    "an integer >= 2");
        }
        return new RequestMix(n.path("path").asText(null), every.asInt(0));
    }

    /**
     * One entry of the list. The engine checks the load itself (connections, threads, rate, connection mode, timeout)
     * with the spec it will run, so a scenario file and the command line are held to the same rules and words.
     */
    static Scenario of(JsonNode n) {
        // Unknown keys are refused: a misspelt 'connectons' would otherwise silently run the default.
        for (Iterator<String> it = n.fieldNames(); it.hasNext(); ) {
            String k = it.next();
            if (!KEYS.contains(k)) {
                // Said of the scenario, which load() names in front of it, as the server says it of a section.
                throw new IllegalArgumentException("unknown key " + InvalidValueException.quoted(k)
                        + " (expected: one of " + String.join(", ", new TreeSet<>(KEYS)) + ")");
            }
        }
        Duration timeout;
        String timeoutText = n.path("timeout").asText("5s");
        try {
            timeout = Durations.parse(timeoutText);
        } catch (IllegalArgumentException e) {
            throw new InvalidValueException("timeout", InvalidValueException.quoted(timeoutText), Durations.EXPECTED);
        }
        Scenario s = new Scenario(n.path("name").asText(null),
                n.path("protocol").asText("http").toLowerCase(Locale.ROOT), n.path("path").asText("/"),
                ConnectionMode.parse(n.path("connectionMode").asText("keepalive")), n.path("connections").asInt(16),
                n.path("threads").asInt(1), n.path("rate").asDouble(0), n.path("size").asInt(64), timeout,
                mix(n.get("mix")));
        s.spec("127.0.0.1", 1, Duration.ofSeconds(1), Warmup.NONE);
        return s;
    }
}
