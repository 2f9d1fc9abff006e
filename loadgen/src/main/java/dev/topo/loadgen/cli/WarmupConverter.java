package dev.topo.loadgen.cli;

import dev.topo.config.Durations;
import dev.topo.loadgen.engine.Warmup;
import picocli.CommandLine;

import java.util.Locale;

/** {@code --warmup}: {@code auto} (until steady, at most {@link Warmup#DEFAULT_CEILING}) or a fixed duration. */
final class WarmupConverter implements CommandLine.ITypeConverter<Warmup> {

    static final String EXPECTED = "auto, or " + Durations.EXPECTED + "; 0s for none";

    @Override
    public Warmup convert(String value) {
        if (value.trim().toLowerCase(Locale.ROOT).equals("auto")) {
            return Warmup.auto();
        }
        try {
            return Warmup.fixed(Durations.parse(value));
        } catch (IllegalArgumentException e) {
            throw new ExpectedValueException(EXPECTED);
        }
    }
}
