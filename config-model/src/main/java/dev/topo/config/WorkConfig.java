package dev.topo.config;

import java.time.Duration;

/** Upper bounds for {@code GET /work?cpu=&sleep=&bytes=}, so a client cannot park the server indefinitely. */
public record WorkConfig(Duration maxCpu, Duration maxSleep, DataSize maxBytes) {
    public WorkConfig {
        maxCpu = Check.notNegative("work.maxCpu", Check.orDefault(maxCpu, Duration.ofSeconds(1)));
        maxSleep = Check.notNegative("work.maxSleep", Check.orDefault(maxSleep, Duration.ofSeconds(10)));
        maxBytes = Check.sizeBetween("work.maxBytes", Check.orDefault(maxBytes, DataSize.ofBytes(1 << 20)),
                0, 64L << 20);
    }

    public static WorkConfig defaults() {
        return new WorkConfig(null, null, null);
    }
}
