/**
 * {@link dev.topo.server.TopoServer}: a running server, its listening sockets, its topology (one generation after
 * another, through live switches: {@link dev.topo.server.LiveSwitch}), metrics and admin endpoint. Imports
 * {@code config}, {@code listen}, {@code topology} and {@code metrics}; nothing imports it but {@code cli}.
 */
package dev.topo.server;
