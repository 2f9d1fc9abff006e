package dev.topo.server.topology;

import java.nio.file.Path;

/**
 * What a worker process of a master that passes connections is there for, given on its command line: the Unix socket
 * on which the fds of accepted connections arrive, and what to do once a one-connection worker
 * (process-per-connection) has served its connection. A process that is not such a worker has no role.
 *
 * @param handoff the Unix socket the master sends connections (or listening sockets) over
 * @param served  run when a one-connection worker's connection has closed
 * @param turn    the accept mutex, when the master runs one (process-shared-listener with {@code acceptMutex}),
 *                else null
 */
public record WorkerRole(Path handoff, Runnable served, AcceptTurn turn) {
}
