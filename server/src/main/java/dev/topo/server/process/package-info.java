/**
 * Worker processes as a master sees them: starting a JVM of the same jar and waiting for its ready line, the
 * supervisor that restarts them, their private files, and the scrapes of their admin endpoints. Imports
 * {@code config} only; topologies use it, never the reverse, and the workers' own entry point lives in {@code cli}.
 */
package dev.topo.server.process;
