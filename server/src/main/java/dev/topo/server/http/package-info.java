/**
 * What runs on a connection: the initializer and one handler per concern (accounting, lingering close, timeouts,
 * strict decoding, request validation, flow control, HTTP routes, echo), and the response encoder. Imports
 * {@code config} and {@code metrics}; knows nothing of topologies, which hand it channels ({@link Rejections} is the
 * one response a topology writes itself).
 */
package dev.topo.server.http;
