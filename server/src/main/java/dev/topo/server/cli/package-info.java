/**
 * The entry points: {@code topo server} ({@link dev.topo.server.cli.TopoServerCommand}), the worker process a master
 * starts ({@link dev.topo.server.cli.WorkerMain}) and the signal handling both use. May import every other package;
 * none imports this one.
 */
package dev.topo.server.cli;
