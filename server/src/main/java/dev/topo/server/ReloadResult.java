package dev.topo.server;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What one reload did, as {@code POST /reload}, {@code topo reload} and the log report it.
 *
 * @param outcome    {@code switched} (the new generation serves, the old one drains), {@code invalid} (the file
 *                   did not load or validate: nothing changed) or {@code failed} (valid, but the new generation did
 *                   not start: the old one still serves)
 * @param generation the generation serving after the reload
 * @param listeners  what happened to the listening sockets (see {@code SocketHandover}); empty unless switched
 * @param notes      changes that do not take effect live (e.g. {@code admin})
 */
public record ReloadResult(String outcome, String trigger, String from, String to, int generation,
        double switchMillis, String error, Map<String, Object> listeners, List<String> notes) {

    public static final String SWITCHED = "switched";
    public static final String INVALID = "invalid";
    public static final String FAILED = "failed";

    public boolean switched() {
        return SWITCHED.equals(outcome);
    }

    public Map<String, Object> toMap() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("outcome", outcome);
        m.put("trigger", trigger);
        m.put("from", from);
        m.put("to", to);
        m.put("generation", generation);
        m.put("switchMillis", Math.round(switchMillis * 10) / 10.0);
        m.put("error", error);
        m.put("listeners", listeners);
        m.put("notes", notes);
        return m;
    }
}
