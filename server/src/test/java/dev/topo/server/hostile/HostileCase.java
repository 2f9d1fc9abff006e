package dev.topo.server.hostile;

import java.net.InetSocketAddress;
import java.util.Set;

/**
 * One thing a hostile client does, and what the server must do about it; the probe throws {@link AssertionError}
 * when the server did something else.
 *
 * @param group a word for the kind of attack: malformed, oversized, smuggling, slow, flood, half-closed, reset,
 *              preface
 * @param needs what the topology must provide for the case to apply
 */
public record HostileCase(String group, String name, Set<Need> needs, Probe probe) {

    /** What some topologies do not provide (yet); a case that needs it is left out there, and says so. */
    public enum Need {
        /** More than one connection served at a time (not the iterative kind). */
        CONCURRENCY,
        /** A send timeout and a lingering close (every kind has them: blocking ones through BlockingServer). */
        NON_BLOCKING_WRITES
    }

    @FunctionalInterface
    public interface Probe {
        void run(InetSocketAddress address, SuiteLimits limits) throws Exception;
    }

    @Override
    public String toString() {
        return group + ": " + name;
    }
}
