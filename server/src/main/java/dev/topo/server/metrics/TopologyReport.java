package dev.topo.server.metrics;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The {@code /topology} document: what runs, where it listens, and live counters per listener and loop. */
public final class TopologyReport {
    private TopologyReport() {
    }

    public static Map<String, Object> of(String kind, String transport, String protocol, boolean draining,
            ServerMetrics metrics) {
        Map<String, Object> doc = new LinkedHashMap<>();
        doc.put("kind", kind);
        doc.put("transport", transport);
        doc.put("protocol", protocol);
        doc.put("state", draining ? "draining" : "serving");
        doc.put("pid", ProcessHandle.current().pid());
        doc.put("activeConnections", metrics.activeConnections());
        doc.put("rejectedConnections", (long) metrics.rejectedConnections());
        doc.put("requests", metrics.requestsServed());
        long inProgress = 0;
        for (ListenerStats l : metrics.listeners()) {
            for (LoopStats loop : l.loops()) {
                inProgress += loop.requestsInProgress();
            }
        }
        doc.put("requestsInProgress", inProgress);
        List<Map<String, Object>> listeners = new ArrayList<>();
        for (ListenerStats l : metrics.listeners()) {
            Map<String, Object> listener = new LinkedHashMap<>();
            listener.put("index", l.index());
            listener.put("address", l.address() == null ? null : l.address().getHostString() + ":"
                    + l.address().getPort());
            listener.put("acceptor", l.acceptor());
            listener.put("accepted", l.acceptedConnections());
            List<Map<String, Object>> loops = new ArrayList<>();
            for (LoopStats loop : l.loops()) {
                Map<String, Object> m = new LinkedHashMap<>();
                m.put("name", loop.name());
                m.put("activeConnections", loop.activeConnections());
                m.put("acceptedConnections", loop.acceptedConnections());
                m.put("requests", loop.requests());
                m.put("emptyAcceptWakeups", loop.emptyAcceptWakeups());
                m.put("bytesIn", loop.bytesIn());
                m.put("bytesOut", loop.bytesOut());
                loops.add(m);
            }
            listener.put("loops", loops);
            listeners.add(listener);
        }
        doc.put("listeners", listeners);
        return doc;
    }
}
