/**
 * What runs on a connection: the initializer and one handler per concern (HTTP routes, echo, timeouts, per-loop
 * accounting), and the response encoder. Imports {@code config} and {@code metrics}; knows nothing of topologies,
 * which hand it channels.
 */
package dev.topo.server.http;
