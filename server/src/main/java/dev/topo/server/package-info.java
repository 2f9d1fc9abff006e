/**
 * {@link dev.topo.server.TopoServer}: a running server, its topology, metrics and admin endpoint started and stopped
 * together. Imports {@code config}, {@code topology} and {@code metrics}; nothing imports it but {@code cli}.
 */
package dev.topo.server;
