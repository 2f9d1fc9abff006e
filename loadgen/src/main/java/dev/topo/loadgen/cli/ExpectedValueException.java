package dev.topo.loadgen.cli;

import picocli.CommandLine;

/**
 * A converter's refusal that knows what it expected but not which option it was given for: picocli adds the option
 * and the value, and {@link OptionErrors} words the three in the project's one shape.
 */
final class ExpectedValueException extends CommandLine.TypeConversionException {

    private final String expected;

    ExpectedValueException(String expected) {
        super(expected);
        this.expected = expected;
    }

    String expected() {
        return expected;
    }
}
