package dev.topo.config;

/**
 * A configuration mistake, worded the one way every mistake is reported:
 * {@code topology.listeners: 0 (expected: >= 1)}. The loader prefixes the file name.
 */
public final class ConfigException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public ConfigException(String message) {
        super(message, null, false, false);
    }

    /** {@code path: value (expected: expected)}; strings are quoted so that blanks and empties stay visible. */
    public static ConfigException invalid(String path, Object value, String expected) {
        return new ConfigException(path + ": " + show(value) + " (expected: " + expected + ")");
    }

    /** As {@link #invalid}, with {@code shown} written as it is (a duration or size in its canonical form). */
    static ConfigException invalidAsWritten(String path, String shown, String expected) {
        return new ConfigException(path + ": " + shown + " (expected: " + expected + ")");
    }

    static String show(Object value) {
        if (value == null) {
            return "null";
        }
        if (value instanceof CharSequence) {
            return "'" + value + "'";
        }
        if (value instanceof YamlEnum e) {
            return "'" + e.yamlName() + "'";
        }
        return String.valueOf(value);
    }

    /** Stack traces say nothing to someone who mistyped a YAML key. */
    @Override
    public synchronized Throwable fillInStackTrace() {
        return this;
    }
}
