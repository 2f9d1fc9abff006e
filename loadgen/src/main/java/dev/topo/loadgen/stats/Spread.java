package dev.topo.loadgen.stats;

/**
 * How the server spread the load, from the X-Topo-Listener and X-Topo-Loop response headers. Empty tables when the
 * server does not send them (any non-Topo server, and tcp echo targets).
 */
public record Spread(SpreadTable listener, SpreadTable loop) {
}
