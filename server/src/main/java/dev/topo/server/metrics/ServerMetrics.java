package dev.topo.server.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.netty4.NettyAllocatorMetrics;
import io.micrometer.core.instrument.binder.netty4.NettyEventExecutorMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.util.concurrent.EventExecutorGroup;
import io.prometheus.metrics.model.registry.Collector;
import io.prometheus.metrics.model.snapshots.ClassicHistogramBuckets;
import io.prometheus.metrics.model.snapshots.HistogramSnapshot;
import io.prometheus.metrics.model.snapshots.MetricSnapshot;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntSupplier;

/**
 * Everything the server counts, exposed as Prometheus text. Per-listener and per-loop counters, request latencies
 * included, live in plain objects the hot path updates cheaply; Micrometer (and, for the latency histogram, a
 * Prometheus collector) only reads and merges them when scraped.
 */
public final class ServerMetrics implements AutoCloseable {
    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final List<ListenerStats> listeners = new CopyOnWriteArrayList<>();
    private final AtomicInteger activeConnections = new AtomicInteger();
    private final int maxConnections;
    private final Counter rejected;
    private final JvmGcMetrics gcMetrics = new JvmGcMetrics();

    private IntSupplier sharedQueueAdmitted;

    public ServerMetrics(int maxConnections) {
        this.maxConnections = maxConnections;
        this.rejected = Counter.builder("topo.connections.rejected")
                .description("Connections closed at once: limits.maxConnections reached, or a thread-pool queue full")
                .register(registry);
        registry.getPrometheusRegistry().register(new RequestTimesCollector());
        Gauge.builder("topo.connections.active", activeConnections, AtomicInteger::get)
                .description("Open client connections, all listeners")
                .register(registry);
        FunctionCounter.builder("topo.requests.served", this, m -> m.sum(LoopStats::requests))
                .description("Requests answered, all loops").register(registry);
        FunctionCounter.builder("topo.received", this, m -> m.sum(LoopStats::bytesIn))
                .baseUnit("bytes").register(registry);
        FunctionCounter.builder("topo.sent", this, m -> m.sum(LoopStats::bytesOut))
                .baseUnit("bytes").register(registry);
        new JvmMemoryMetrics().bindTo(registry);
        new JvmThreadMetrics().bindTo(registry);
        gcMetrics.bindTo(registry);
        new ProcessorMetrics().bindTo(registry);
        new UptimeMetrics().bindTo(registry);
        new NettyAllocatorMetrics(PooledByteBufAllocator.DEFAULT).bindTo(registry);
    }

    public ListenerStats addListener(int index) {
        ListenerStats listener = new ListenerStats(index);
        listeners.add(listener);
        FunctionCounter.builder("topo.listener.connections.accepted", listener, ListenerStats::acceptedConnections)
                .description("Connections accepted by each listening socket")
                .tags("listener", Integer.toString(index))
                .register(registry);
        return listener;
    }

    /** A loop whose counters only its own thread writes. */
    public LoopStats addLoop(ListenerStats listener, String name) {
        return addLoop(listener, name, false);
    }

    /** @param sharedWriters true when several threads update the counters (offload, blocking models) */
    public LoopStats addLoop(ListenerStats listener, String name, boolean sharedWriters) {
        LoopStats loop = new LoopStats(listener, name, sharedWriters);
        listener.addLoop(loop);
        Tags tags = Tags.of("listener", Integer.toString(listener.index()), "loop", name);
        Gauge.builder("topo.loop.connections.active", loop, LoopStats::activeConnections)
                .description("Open connections served by each event loop").tags(tags).register(registry);
        FunctionCounter.builder("topo.loop.connections.accepted", loop, LoopStats::acceptedConnections)
                .description("Connections handed to each event loop").tags(tags).register(registry);
        FunctionCounter.builder("topo.loop.requests", loop, LoopStats::requests)
                .description("Requests answered by each event loop").tags(tags).register(registry);
        FunctionCounter.builder("topo.loop.accept.wakeups.empty", loop, LoopStats::emptyAcceptWakeups)
                .description("Wake-ups for a listening socket that accepted nothing (thundering herd)")
                .tags(tags).register(registry);
        FunctionCounter.builder("topo.loop.received", loop, LoopStats::bytesIn)
                .baseUnit("bytes").tags(tags).register(registry);
        FunctionCounter.builder("topo.loop.sent", loop, LoopStats::bytesOut)
                .baseUnit("bytes").tags(tags).register(registry);
        return loop;
    }

    /** Pending-task gauges for each loop of {@code group} (Micrometer's Netty binder). */
    public void bindEventLoops(EventExecutorGroup group) {
        new NettyEventExecutorMetrics(group).bindTo(registry);
    }

    public List<ListenerStats> listeners() {
        return List.copyOf(listeners);
    }

    /** Claims a connection slot; false (and counted as rejected) when limits.maxConnections is reached. */
    public boolean tryOpenConnection() {
        if (activeConnections.incrementAndGet() > maxConnections) {
            activeConnections.decrementAndGet();
            rejected.increment();
            return false;
        }
        return true;
    }

    /**
     * Whether a connection just accepted is turned away at once (counted as rejected) because limits.maxConnections
     * is reached: a check, not a claim; the connection claims its slot when it opens ({@link #tryOpenConnection}).
     */
    public boolean refusedAtLimit() {
        if (activeConnections.get() < maxConnections) {
            return false;
        }
        rejected.increment();
        return true;
    }

    /**
     * The shared-queue offload's figures: requests queued or running on it now, and a counter of requests answered
     * 503 because it was full; returns what increments that counter. Registered only for that offload, so other
     * configurations do not show families that can only stay 0.
     */
    public Runnable bindSharedQueue(IntSupplier admitted) {
        // Held here: a gauge keeps only a weak reference to what it reads, and nothing else holds this lambda.
        sharedQueueAdmitted = admitted;
        Gauge.builder("topo.offload.queued", admitted, IntSupplier::getAsInt)
                .description("Requests queued or running on the shared offload queue").register(registry);
        Counter full = Counter.builder("topo.offload.rejected")
                .description("Requests answered 503 because the shared offload queue was full").register(registry);
        return full::increment;
    }

    /** A connection turned away before it was served (a full thread-pool queue). */
    public void connectionRejected() {
        rejected.increment();
    }

    public void connectionClosed() {
        activeConnections.decrementAndGet();
    }

    public int activeConnections() {
        return activeConnections.get();
    }

    public double rejectedConnections() {
        return rejected.count();
    }

    public long requestsServed() {
        return sum(LoopStats::requests);
    }

    public String scrape() {
        return registry.scrape();
    }

    /**
     * {@code topo_requests_seconds}: every loop's {@link RequestTimes} added up at scrape time. A shared Micrometer
     * timer would make every loop write the same LongAdders, max window and histogram on every request.
     */
    private final class RequestTimesCollector implements Collector {
        @Override
        public MetricSnapshot collect() {
            long[] counts = new long[RequestTimes.BUCKETS];
            long nanos = 0;
            for (ListenerStats l : listeners) {
                for (LoopStats loop : l.loops()) {
                    nanos += loop.times().addTo(counts);
                }
            }
            ClassicHistogramBuckets.Builder buckets = ClassicHistogramBuckets.builder();
            for (int i = 0; i < counts.length; i++) {
                buckets.bucket(RequestTimes.upperBoundSeconds(i), counts[i]);
            }
            return HistogramSnapshot.builder()
                    .name("topo_requests_seconds")
                    .help("Time from a request's headers being decoded to its response being written")
                    .dataPoint(HistogramSnapshot.HistogramDataPointSnapshot.builder()
                            .classicHistogramBuckets(buckets.build())
                            .sum(nanos / 1e9)
                            .build())
                    .build();
        }

        @Override
        public String getPrometheusName() {
            return "topo_requests_seconds";
        }
    }

    private long sum(java.util.function.ToLongFunction<LoopStats> f) {
        long total = 0;
        for (ListenerStats l : listeners) {
            for (LoopStats loop : l.loops()) {
                total += f.applyAsLong(loop);
            }
        }
        return total;
    }

    @Override
    public void close() {
        gcMetrics.close();
        registry.close();
    }
}
