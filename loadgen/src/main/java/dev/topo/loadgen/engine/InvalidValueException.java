package dev.topo.loadgen.engine;

import java.math.BigDecimal;
import java.time.Duration;

/**
 * A value that is not accepted, said in the project's one shape: the name, the value as given, then what was
 * expected, as in {@code rate: -1 (expected: >= 0)}. The engine names a spec field as the spec and its JSON do; a
 * front end that knows the field by another name (a command-line flag, a scenario key) says the same with
 * {@link #describedAs(String)}.
 */
public final class InvalidValueException extends IllegalArgumentException {

    private final String name;
    private final String value;
    private final String expected;

    /** {@code value} is written as the user would have typed it: see {@link #quoted}, {@link #number}. */
    public InvalidValueException(String name, String value, String expected) {
        super(describe(name, value, expected));
        this.name = name;
        this.value = value;
        this.expected = expected;
    }

    private static String describe(String name, String value, String expected) {
        return name + ": " + value + " (expected: " + expected + ")";
    }

    /** The field, flag or key the value was given for. */
    public String name() {
        return name;
    }

    /** The same message under the name the user knows the value by. */
    public String describedAs(String userName) {
        return describe(userName, value, expected);
    }

    /** Text is quoted, so that an empty or blank value still shows. */
    public static String quoted(String text) {
        return "'" + text + "'";
    }

    /** A number without a trailing {@code .0}: {@code -1}, {@code 0.5}. */
    public static String number(double v) {
        if (!Double.isFinite(v)) {
            return String.valueOf(v);
        }
        return BigDecimal.valueOf(v).stripTrailingZeros().toPlainString();
    }

    /** A duration in the largest whole unit: {@code 0s}, {@code 500ms}, {@code 250us}. */
    public static String duration(Duration d) {
        long nanos;
        try {
            nanos = d.toNanos();
        } catch (ArithmeticException e) {
            return d.toString();
        }
        if (nanos % 1_000_000_000L == 0) {
            return nanos / 1_000_000_000L + "s";
        }
        if (nanos % 1_000_000L == 0) {
            return nanos / 1_000_000L + "ms";
        }
        return nanos % 1_000L == 0 ? nanos / 1_000L + "us" : nanos + "ns";
    }
}
