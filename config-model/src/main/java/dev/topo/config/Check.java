package dev.topo.config;

import java.time.Duration;

/** Range checks shared by the config records; each names the YAML path it checks. */
final class Check {
    private Check() {
    }

    static int atLeast(String path, Integer value, int min) {
        if (value < min) {
            throw ConfigException.invalid(path, value, ">= " + min);
        }
        return value;
    }

    static int between(String path, Integer value, int min, int max) {
        if (value < min || value > max) {
            throw ConfigException.invalid(path, value, min + ".." + max);
        }
        return value;
    }

    static Duration positive(String path, Duration value) {
        if (value.isNegative() || value.isZero()) {
            throw ConfigException.invalidAsWritten(path, Durations.format(value), "> 0");
        }
        return value;
    }

    static Duration notNegative(String path, Duration value) {
        if (value.isNegative()) {
            throw ConfigException.invalidAsWritten(path, Durations.format(value), ">= 0");
        }
        return value;
    }

    static DataSize sizeBetween(String path, DataSize value, long min, long max) {
        if (value.bytes() < min || value.bytes() > max) {
            throw ConfigException.invalidAsWritten(path, value.toString(),
                    DataSize.ofBytes(min) + ".." + DataSize.ofBytes(max));
        }
        return value;
    }

    static String notBlank(String path, String value) {
        if (value.isBlank()) {
            throw ConfigException.invalid(path, value, "a host name or address");
        }
        return value;
    }

    static <T> T orDefault(T value, T fallback) {
        return value == null ? fallback : value;
    }
}
