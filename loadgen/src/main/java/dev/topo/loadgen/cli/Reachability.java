package dev.topo.loadgen.cli;

import dev.topo.loadgen.engine.LoadSpec;
import dev.topo.loadgen.engine.Summary;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.UnknownHostException;

/** Whether the target can be reached at all: before the run (one plain connect) and after it (no connection). */
final class Reachability {

    private Reachability() {
    }

    static String describeErrors(Summary s) {
        StringBuilder sb = new StringBuilder();
        s.errors().forEach((kind, n) -> {
            if (n > 0) {
                sb.append(sb.length() == 0 ? "" : ", ").append(kind.replace('_', ' ')).append(" x").append(n);
            }
        });
        return sb.length() == 0 ? "no connection was established" : sb.toString();
    }

    /** One plain connect before starting, so an unreachable target fails in milliseconds with a clear message. */
    static String preflight(LoadSpec spec) {
        String where = spec.target().hostHeader();
        InetAddress address;
        try {
            address = InetAddress.getByName(spec.target().host());
        } catch (UnknownHostException e) {
            return "cannot resolve host '" + spec.target().host() + "'";
        }
        int timeoutMs = (int) Math.max(1, Math.min(spec.timeout().toMillis(), 5000));
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress(address, spec.target().port()), timeoutMs);
            return null;
        } catch (IOException e) {
            return "cannot connect to " + where + ": " + e.getMessage();
        }
    }
}
