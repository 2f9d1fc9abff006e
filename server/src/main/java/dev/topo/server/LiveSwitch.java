package dev.topo.server;

import dev.topo.config.ConfigException;
import dev.topo.config.ServerConfig;
import dev.topo.server.TopoServer.Generation;
import dev.topo.server.listen.ListeningSockets;
import dev.topo.server.listen.SocketHandover;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * One live switch from the generation serving now to a new configuration, in the order that loses no connection:
 * <ol>
 * <li>the new generation starts on the same listening sockets (binding more beside them if it wants more) and
 * accepts at once, beside the old one: for a moment both watch the sockets, and each connection goes to one;</li>
 * <li>the old generation stops accepting: its loops or acceptor threads stop watching, the sockets stay open;</li>
 * <li>sockets the new generation does not want are closed, only where the kernel moves their queues
 * ({@code tcp_migrate_req}); otherwise the new generation was given them to watch as well;</li>
 * <li>(by the server) the old generation drains in the background: each of its connections closes after its next
 * response, idle ones at its {@code drainTimeout}.</li>
 * </ol>
 * If the new generation fails to start, it is stopped and the old one never stopped accepting.
 */
final class LiveSwitch {
    private final Generation old;
    private final ServerConfig next;
    private final String trigger;
    private ListeningSockets sockets;
    private Generation started;

    LiveSwitch(Generation old, ListeningSockets sockets, ServerConfig next, String trigger) {
        this.old = old;
        this.sockets = sockets;
        this.next = next;
        this.trigger = trigger;
    }

    ReloadResult run() throws InterruptedException {
        long began = System.nanoTime();
        List<String> notes = notes();
        boolean newBind = !next.bind().equals(old.config().bind());
        ListeningSockets target = newBind
                ? new ListeningSockets(next.bind(), next.topology().listen().backlog()) : sockets;
        try {
            started = TopoServer.startGeneration(old.number() + 1, next, target, null);
        } catch (RuntimeException e) {
            if (newBind) {
                target.close();
            } else {
                target.abandon();
            }
            String why = e instanceof ConfigException ? e.getMessage() : describe(e);
            return e instanceof ConfigException ? invalid(trigger, old, why)
                    : failed(trigger, old, next, millisSince(began), why);
        }
        old.topology().stopAccepting();
        SocketHandover handover;
        if (newBind) {
            // Not a switch but a new listener: what was queued on the old address is refused with it.
            int closed = sockets.size();
            sockets.close();
            handover = new SocketHandover(target.size(), target.size(), closed, "new-bind");
            notes.add("bind changed: new listening sockets on " + next.bind().host() + ":" + next.bind().port()
                    + "; the old ones closed, connections queued on them were refused");
        } else {
            handover = target.commit();
        }
        sockets = target;
        return new ReloadResult(ReloadResult.SWITCHED, trigger, kind(old.config()), kind(next), started.number(),
                millisSince(began), null, handover.toMap(), notes);
    }

    /** The sockets after the switch (new ones when {@code bind} changed). */
    ListeningSockets sockets() {
        return sockets;
    }

    /** The generation that serves after the switch. */
    Generation next() {
        return started;
    }

    /** What the new configuration changes that a live switch does not apply. */
    private List<String> notes() {
        List<String> notes = new ArrayList<>();
        ServerConfig was = old.config();
        if (!next.admin().equals(was.admin())) {
            notes.add("admin: unchanged until the next start (the admin endpoint is the one asked to reload)");
        }
        if (next.bind().equals(was.bind())
                && !next.topology().listen().backlog().equals(was.topology().listen().backlog())) {
            notes.add("topology.backlog: the listening sockets keep the backlog they were bound with");
        }
        if (next.reload().watch() != was.reload().watch()) {
            notes.add("reload.watch: unchanged until the next start");
        }
        return notes;
    }

    static ReloadResult invalid(String trigger, Generation serving, String error) {
        return new ReloadResult(ReloadResult.INVALID, trigger, kind(serving.config()), null, serving.number(), 0,
                error, Map.of(), List.of());
    }

    static ReloadResult failed(String trigger, Generation serving, ServerConfig wanted, double millis,
            String error) {
        return new ReloadResult(ReloadResult.FAILED, trigger, kind(serving.config()), kind(wanted),
                serving.number(), millis, error, Map.of(), List.of());
    }

    private static String describe(Throwable e) {
        Throwable root = e.getCause() != null && e.getMessage() == null ? e.getCause() : e;
        return root.getMessage() == null ? root.toString() : root.getMessage();
    }

    private static String kind(ServerConfig c) {
        return c.topology().kind().yamlName();
    }

    private static double millisSince(long nanos) {
        return (System.nanoTime() - nanos) / 1e6;
    }
}
