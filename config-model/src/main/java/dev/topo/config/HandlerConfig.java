package dev.topo.config;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * How requests are handled once read.
 *
 * @param offloadThreads event-loop kinds: run request handling on this many separate threads, so a blocking
 *                       {@code /work?sleep=} holds an offload thread instead of an I/O loop; 0 = handle on the I/O
 *                       loop
 * @param offload        how the offload threads share the work: {@code pinned} (the default, each connection on one
 *                       thread) or {@code shared-queue} (one queue, any thread takes the next request); only with
 *                       {@code offloadThreads > 0}, and null (left out of the resolved YAML) without
 */
public record HandlerConfig(
        Integer offloadThreads,
        @JsonInclude(JsonInclude.Include.NON_NULL) OffloadMode offload) {

    public HandlerConfig {
        offloadThreads = Check.between("handler.offloadThreads", Check.orDefault(offloadThreads, 0), 0, 4096);
        if (offloadThreads == 0 && offload != null) {
            // Said rather than ignored: someone who wrote the mode expects offloading, and there is none.
            throw ConfigException.invalid("handler.offload", offload,
                    "no value while handler.offloadThreads is 0: it says how the offload threads share the work");
        }
        offload = offloadThreads == 0 ? null : Check.orDefault(offload, OffloadMode.PINNED);
    }

    /** Today's default: no offload. */
    public static HandlerConfig defaults() {
        return new HandlerConfig(null, null);
    }

    public boolean sharedQueue() {
        return offload == OffloadMode.SHARED_QUEUE;
    }
}
