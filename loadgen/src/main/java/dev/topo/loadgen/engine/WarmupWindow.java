package dev.topo.loadgen.engine;

/**
 * One window (normally a second) of a warm-up, as {@link WarmupDetector} judges it and the result reports it.
 *
 * @param second          1-based index since the load started
 * @param elapsedSeconds  time since the load started at the end of this window
 * @param intervalSeconds length of this window (the last of a fixed warm-up may be shorter)
 * @param requests        responses completed in the window
 * @param rate            requests / intervalSeconds
 * @param meanLatencyUs   mean latency of those responses (corrected in open loop); 0 without responses
 * @param sendLagUs       open loop: how late, on average, the client sent the requests due in the window (from the
 *                        due time to the write: a late timer, a busy loop, no free connection); 0 in closed loop
 * @param jitMillis       time this JVM's JIT compilers spent compiling during the window (all compiler threads;
 *                        0 where the JVM does not say)
 * @param cpuMillis       CPU time this process used in the window (event loops, JIT, GC; 0 where the JVM does not
 *                        say): per request, what a cold client costs next to a warm one, whoever else shares the CPU
 */
public record WarmupWindow(int second, double elapsedSeconds, double intervalSeconds, long requests, double rate,
                           double meanLatencyUs, double sendLagUs, long jitMillis, long cpuMillis) {
}
