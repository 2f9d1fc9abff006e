package dev.topo.server.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Timer;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.LongSupplier;

/**
 * The server's own figures across live switches, in a registry of their own: each generation has its own
 * {@link ServerMetrics} (its listeners and loops), while these outlive every generation. Served after the current
 * generation's scrape on {@code /metrics}.
 */
public final class ReloadMetrics implements AutoCloseable {
    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final AtomicInteger generation = new AtomicInteger(1);
    private final AtomicInteger retiring = new AtomicInteger();
    private final Timer switches;
    /** Held here: a meter keeps only a weak reference to what it reads. */
    private final LongSupplier served;

    /** {@code served}: requests answered since start by every generation (see {@code TopoServer.requestsServed}). */
    public ReloadMetrics(LongSupplier served) {
        this.served = served;
        FunctionCounter.builder("topo_server_requests", served, LongSupplier::getAsLong)
                .description("Requests answered since start by every generation; a worker process's are added as "
                        + "it exits").register(registry);
        Gauge.builder("topo_generation", generation, AtomicInteger::get)
                .description("Generation of the topology serving now (1 at start, +1 per live switch)")
                .register(registry);
        Gauge.builder("topo_generations_draining", retiring, AtomicInteger::get)
                .description("Earlier generations still finishing their connections").register(registry);
        this.switches = Timer.builder("topo_reload_switch").description(
                "Time from reading the new configuration to the new generation serving and the old one not accepting")
                .register(registry);
        for (String result : new String[] {"switched", "invalid", "failed"}) {
            counter(result);
        }
    }

    private Counter counter(String result) {
        return Counter.builder("topo_reloads").tag("result", result).description("Reloads asked for, by outcome")
                .register(registry);
    }

    public void reloaded(String result, Duration took, int newGeneration) {
        counter(result).increment();
        if ("switched".equals(result)) {
            switches.record(took);
            generation.set(newGeneration);
        }
    }

    public void draining(int delta) {
        retiring.addAndGet(delta);
    }

    public String scrape() {
        return registry.scrape();
    }

    @Override
    public void close() {
        registry.close();
    }
}
