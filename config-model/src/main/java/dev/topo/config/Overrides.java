package dev.topo.config;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Iterator;
import java.util.function.Function;

/**
 * The values people change most, given on the command line. They are written into the YAML tree before binding,
 * so they go through exactly the same validation and error messages as the file.
 *
 * @param workers   worker loops or threads: {@code topology.workers} (single-acceptor, thread-pool,
 *                  process-fd-passing), {@code workersPerListener} (reuseport, process-reuseport) or {@code loops}
 *                  (shared-listener)
 * @param processes worker processes: {@code topology.processes} (process-reuseport, process-fd-passing)
 */
public record Overrides(
        String host, Integer port, String adminHost, Integer adminPort, String topology, Integer listeners,
        Integer workers, Integer processes) {

    public static final Overrides NONE = new Overrides(null, null, null, null, null, null, null, null);

    /** Without {@code processes}: the overrides of the single-process kinds. */
    public Overrides(String host, Integer port, String adminHost, Integer adminPort, String topology,
            Integer listeners, Integer workers) {
        this(host, port, adminHost, adminPort, topology, listeners, workers, null);
    }

    public boolean isEmpty() {
        return equals(NONE);
    }

    void applyTo(ObjectNode root, Function<JsonNode, TopologyKind> kindOf) {
        if (host != null) {
            section(root, "bind").put("host", host);
        }
        if (port != null) {
            section(root, "bind").put("port", port);
        }
        if (adminHost != null) {
            section(root, "admin").put("host", adminHost);
        }
        if (adminPort != null) {
            section(root, "admin").put("port", adminPort);
        }
        boolean hadTopology = root.has("topology");
        ObjectNode topo = section(root, "topology");
        if (topology != null) {
            topo.put("kind", topology);
            TopologyKind kind = kindOf.apply(topo.get("kind"));
            if (kind != null) {
                // The file's parameters were written for its own kind; the ones the new kind ignores must go,
                // or switching kinds on the command line would always fail validation.
                for (Iterator<String> it = topo.fieldNames(); it.hasNext(); ) {
                    if (!kind.uses(it.next())) {
                        it.remove();
                    }
                }
            }
        }
        if (listeners != null) {
            topo.put("listeners", listeners);
        }
        if (workers != null) {
            TopologyKind kind = kindOf.apply(topo.get("kind"));
            topo.put(kind == null ? "workers" : kind.workersKey(), workers);
        }
        if (processes != null) {
            topo.put("processes", processes);
        }
        if (topo.isEmpty() && !hadTopology) {
            root.remove("topology");
        }
    }

    private static ObjectNode section(ObjectNode root, String name) {
        JsonNode node = root.get(name);
        if (node instanceof ObjectNode object) {
            return object;
        }
        // A scalar where a section belongs is left for the binder to report; overriding it would hide the mistake.
        if (node != null && !node.isNull()) {
            return root.objectNode();
        }
        return root.putObject(name);
    }
}
