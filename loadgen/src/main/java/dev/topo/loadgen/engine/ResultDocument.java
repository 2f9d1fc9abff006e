package dev.topo.loadgen.engine;

import dev.topo.loadgen.stats.Spread;

import java.net.InetAddress;
import java.time.Instant;
import java.util.List;

/**
 * A run's result as it is published: the document {@code topo load --json} writes, and each run's {@code load} in
 * compare's {@code results.json}. The field names are a contract ({@value #SCHEMA}): add fields freely, but rename
 * or remove one only with a new schema version.
 */
public record ResultDocument(String schema, String version, String finishedAt, String target, String transport,
                             Options options, WarmupReport warmup, Summary summary, List<TimelinePoint> timeline,
                             Spread spread) {

    public static final String SCHEMA = "topo-loadgen/1";

    public ResultDocument {
        timeline = List.copyOf(timeline);
    }

    /**
     * The run's options, in the units of the rest of the document (seconds, requests per second).
     *
     * @param warmup        {@code auto}, or the fixed warm-up ({@code 0s}: none)
     * @param mix           the mixed-in request as {@code PATH:EVERY}, null without one
     * @param warmupSeconds the time the load ran before the measurement: the fixed warm-up, or what {@code auto}
     *                      took (the document's {@code warmup} says more)
     */
    public record Options(String method, int connections, int threads, int pipeline, double durationSeconds,
                          String warmup, double warmupSeconds, double timeoutSeconds, double rate,
                          String connectionMode, double connectRate, String closeMode, List<String> sourceAddresses,
                          int bodyBytes, List<String> headers, String mix) {

        public Options {
            sourceAddresses = List.copyOf(sourceAddresses);
            headers = List.copyOf(headers);
        }

        static Options of(LoadSpec s, WarmupReport warmup) {
            return new Options(s.method(), s.connections(), s.threads(), s.pipeline(), s.duration().toMillis() / 1e3,
                    s.warmup().label(), warmup.seconds(), s.timeout().toMillis() / 1e3, s.rate(),
                    s.connectionMode().label(), s.connectRate(), s.closeMode().label(),
                    s.sourceAddresses().stream().map(InetAddress::getHostAddress).toList(), s.bodyLength(),
                    s.headers().stream().map(h -> h.name() + ": " + h.value()).toList(),
                    s.mix() == null ? null : s.mix().path() + ":" + s.mix().every());
        }
    }

    /** The document of {@code r}, finished now. */
    public static ResultDocument of(LoadResult r) {
        String version = ResultDocument.class.getPackage().getImplementationVersion();
        return new ResultDocument(SCHEMA, version == null ? "dev" : version, Instant.now().toString(),
                r.spec().target().toString(), r.transport(), Options.of(r.spec(), r.warmup()), r.warmup(),
                r.summary(), r.timeline(), r.spread());
    }
}
