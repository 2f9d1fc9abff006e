package dev.topo.loadgen.cli;

import dev.topo.config.Durations;
import picocli.CommandLine;

import java.time.Duration;

/**
 * Duration options in the server's grammar ({@link Durations}): a unit is required ({@code 10s}, {@code 500ms},
 * {@code 250us}, {@code 2m}), {@code 0} alone is allowed. A bare {@code 10} is refused rather than guessed: the
 * server's YAML refuses it too, and one tool reading it as seconds while the other refuses it helps nobody.
 */
final class DurationConverter implements CommandLine.ITypeConverter<Duration> {

    @Override
    public Duration convert(String value) {
        try {
            return Durations.parse(value);
        } catch (IllegalArgumentException e) {
            throw new ExpectedValueException(Durations.EXPECTED);
        }
    }
}
