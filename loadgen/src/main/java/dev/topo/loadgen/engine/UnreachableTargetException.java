package dev.topo.loadgen.engine;

/** The target's host name cannot be resolved. A refused target is a run full of errors instead. */
public final class UnreachableTargetException extends Exception {

    public UnreachableTargetException(String message) {
        super(message, null, false, false);
    }
}
