package dev.topo.config;

/**
 * The parameters of one topology kind: a record per kind, named in its {@link TopologyKind} constant. Fields are
 * boxed and default when null, so that a kind's defaults are its record built from nothing
 * ({@link TopologyKind#defaults()}); a field another kind owns cannot be set at all.
 */
public interface TopologyParameters {

    /** The kind these parameters belong to. */
    default TopologyKind kind() {
        return TopologyKind.of(getClass());
    }
}
