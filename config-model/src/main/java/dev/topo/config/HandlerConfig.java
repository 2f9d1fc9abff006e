package dev.topo.config;

/**
 * How requests are handled once read.
 *
 * @param offloadThreads event-loop kinds: run request handling on this many separate threads (half-sync/half-async),
 *                       so a blocking {@code /work?sleep=} holds an offload thread instead of an I/O loop; 0 = handle
 *                       on the I/O loop
 */
public record HandlerConfig(Integer offloadThreads) {
    public HandlerConfig {
        offloadThreads = Check.between("handler.offloadThreads", Check.orDefault(offloadThreads, 0), 0, 4096);
    }

    public static HandlerConfig defaults() {
        return new HandlerConfig(null);
    }
}
