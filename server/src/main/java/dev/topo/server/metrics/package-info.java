/**
 * Counters per listener and per loop, Micrometer's registry, the {@code /topology} document and the admin endpoint
 * that serves them. Imports nothing else of the project: every other package reports into it.
 */
package dev.topo.server.metrics;
