package dev.topo.loadgen.merge;

import dev.topo.config.Durations;
import dev.topo.loadgen.engine.CloseMode;
import dev.topo.loadgen.engine.ConnectionMode;
import dev.topo.loadgen.engine.LoadSpec;
import dev.topo.loadgen.engine.RequestMix;
import dev.topo.loadgen.engine.ResultDocument;
import dev.topo.loadgen.engine.Target;
import dev.topo.loadgen.engine.Warmup;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The spec of the whole test, rebuilt from a part's {@code options} (which hold the whole test's figures, not the
 * part's): what the merged result is reported against. The body's bytes are not in a result, only its length.
 */
final class SpecOfOptions {

    private SpecOfOptions() {
    }

    static LoadSpec spec(ResultDocument d) {
        ResultDocument.Options o = d.options();
        LoadSpec.Builder b = LoadSpec.builder(Target.parse(d.target()))
                .method(o.method())
                .connections(o.connections())
                .threads(o.threads())
                .pipeline(o.pipeline())
                .duration(Duration.ofMillis(Math.round(o.durationSeconds() * 1000)))
                .warmup("auto".equals(o.warmup()) ? Warmup.auto() : Warmup.fixed(Durations.parse(o.warmup())))
                .timeout(Duration.ofMillis(Math.round(o.timeoutSeconds() * 1000)))
                .rate(o.rate())
                .connectionMode(ConnectionMode.parse(o.connectionMode()))
                .connectRate(o.connectRate())
                .closeMode(CloseMode.parse(o.closeMode()))
                .sourceAddresses(addresses(o.sourceAddresses()))
                .mix(o.mix() == null ? null : RequestMix.parse(o.mix()));
        o.headers().forEach(h -> b.header(LoadSpec.Header.parse(h)));
        if (o.bodyBytes() > 0) {
            byte[] body = new byte[o.bodyBytes()];
            Arrays.fill(body, (byte) 'x');
            b.body(body);
        }
        return b.build();
    }

    private static List<InetAddress> addresses(List<String> literals) {
        List<InetAddress> out = new ArrayList<>();
        try {
            for (String a : literals) {
                out.add(InetAddress.getByName(a));   // written as addresses: no lookup
            }
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException("sourceAddresses: " + e.getMessage(), e);
        }
        return out;
    }
}
