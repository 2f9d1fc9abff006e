package dev.topo.server.listen;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What a switch did with the listening sockets: how many the new generation watches, how many it opened beside the
 * old ones, how many it closed and how ({@code path}).
 *
 * @param path {@code kept} (the same sockets), {@code grown} (more were bound on the port), {@code tcp_migrate_req}
 *             (fewer: the rest closed, the kernel moved their queued connections to the sockets that stay),
 *             {@code folded} (fewer wanted, but the kernel cannot move a queue: every socket stays open and the new
 *             generation watches the extra ones with its own acceptors) or {@code new-bind} (bind changed: new
 *             sockets; the old ones closed once the old generation stopped accepting)
 */
public record SocketHandover(int watched, int opened, int closed, String path) {

    public Map<String, Object> toMap() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("path", path);
        m.put("watched", watched);
        m.put("opened", opened);
        m.put("closed", closed);
        return m;
    }
}
