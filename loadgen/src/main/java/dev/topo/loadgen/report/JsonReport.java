package dev.topo.loadgen.report;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.topo.loadgen.engine.LoadResult;
import dev.topo.loadgen.engine.LoadSpec;
import dev.topo.loadgen.engine.Summary;
import dev.topo.loadgen.engine.TimelinePoint;
import dev.topo.loadgen.stats.Spread;

import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Locale;

/**
 * The machine-readable result. The field names are a contract ({@value #SCHEMA}): add fields freely, but rename or
 * remove one only with a new schema version.
 */
public final class JsonReport {

    public static final String SCHEMA = "topo-loadgen/1";

    private static final ObjectMapper MAPPER = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private JsonReport() {
    }

    /** The top-level JSON object. */
    public record Document(String schema, String version, String finishedAt, String target, String transport,
                           Options options, Summary summary, List<TimelinePoint> timeline, Spread spread) {
    }

    /** The run's options, in the units of the rest of the document (seconds, requests per second). */
    public record Options(String method, int connections, int threads, int pipeline, double durationSeconds,
                          double warmupSeconds, double timeoutSeconds, double rate, String connectionMode,
                          double connectRate, String closeMode, List<String> sourceAddresses, int bodyBytes,
                          List<String> headers) {

        static Options of(LoadSpec s) {
            return new Options(s.method(), s.connections(), s.threads(), s.pipeline(), s.duration().toMillis() / 1e3,
                    s.warmup().toMillis() / 1e3, s.timeout().toMillis() / 1e3, s.rate(),
                    s.connectionMode().name().toLowerCase(Locale.ROOT).replace('_', '-'), s.connectRate(),
                    s.closeMode().name().toLowerCase(Locale.ROOT),
                    s.sourceAddresses().stream().map(InetAddress::getHostAddress).toList(), s.bodyLength(),
                    s.headers().stream().map(h -> h.name() + ": " + h.value()).toList());
        }
    }

    public static Document document(LoadResult r) {
        String version = JsonReport.class.getPackage().getImplementationVersion();
        return new Document(SCHEMA, version == null ? "dev" : version, Instant.now().toString(),
                r.spec().target().toString(), r.transport(), Options.of(r.spec()), r.summary(), r.timeline(),
                r.spread());
    }

    public static void write(LoadResult r, Path file) throws IOException {
        MAPPER.writeValue(file.toFile(), document(r));
    }

    public static ObjectMapper mapper() {
        return MAPPER;
    }
}
