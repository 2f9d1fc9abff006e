/**
 * What runs on a connection: the initializer, {@link dev.topo.server.http.ConnectionPipeline} and one handler per
 * concern (accounting, lingering close, timeouts, strict decoding with request validation, flow control, HTTP
 * routes, echo), the response encoder, and the set of open connections a graceful stop reaches. Imports
 * {@code config} and {@code metrics}; knows nothing of topologies, which hand it channels ({@link Rejections} is the
 * one response a topology writes itself).
 */
package dev.topo.server.http;
