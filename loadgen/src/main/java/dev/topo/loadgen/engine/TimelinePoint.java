package dev.topo.loadgen.engine;

/**
 * One interval (normally one second) of the measured run.
 *
 * @param second           1-based index of the interval since the warm-up ended
 * @param elapsedSeconds   measured time at the end of this interval
 * @param intervalSeconds  length of this interval (the last one may be shorter, or longer by the drain)
 * @param requests         responses completed in the interval
 * @param rate             requests / intervalSeconds
 * @param errors           errors of every kind in the interval
 * @param bytesRead        bytes received
 * @param openConnections  connections open at the end of the interval
 * @param connectionsOpened connections established in the interval
 * @param p50Us            latency median (corrected in open loop)
 * @param p99Us            latency p99 (corrected in open loop)
 * @param maxUs            latency max (corrected in open loop)
 * @param p99UncorrectedUs latency p99 measured from the actual send (equal to p99Us in closed loop)
 */
public record TimelinePoint(int second, double elapsedSeconds, double intervalSeconds, long requests, double rate,
                            long errors, long bytesRead, long openConnections, long connectionsOpened, double p50Us,
                            double p99Us, double maxUs, double p99UncorrectedUs) {
}
