package dev.topo.loadgen.cli;

import dev.topo.loadgen.engine.InvalidValueException;
import dev.topo.loadgen.engine.Target;

import java.io.IOException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The values of {@code topo load} that need more than a type converter (a file to read, a target to know): each
 * refusal names the option as the user typed it.
 */
final class OptionValues {

    private OptionValues() {
    }

    static byte[] readBody(String body) {
        if (!body.startsWith("@")) {
            return body.getBytes(StandardCharsets.UTF_8);
        }
        Path file = Path.of(body.substring(1));
        try {
            return Files.readAllBytes(file);
        } catch (IOException e) {
            throw new InvalidValueException("--body", InvalidValueException.quoted(body),
                    "text, or @ and a file that can be read");
        }
    }

    static List<InetAddress> parseSources(String s, Target target) {
        if (s == null || s.isBlank()) {
            return List.of();
        }
        List<InetAddress> out = new ArrayList<>();
        try {
            if (s.matches("\\d+")) {
                int n = Integer.parseInt(s);
                if (n < 1 || n > 254) {
                    throw badSources(s, "a count 1..254, or a list of addresses");
                }
                if (!InetAddress.getByName(target.host()).isLoopbackAddress()) {
                    throw badSources(s, "a list of addresses: a count N (127.0.0.1..N) needs a loopback target");
                }
                for (int i = 1; i <= n; i++) {
                    out.add(InetAddress.getByAddress(new byte[]{127, 0, 0, (byte) i}));
                }
            } else {
                for (String a : s.split(",")) {
                    out.add(InetAddress.getByName(a.trim()));
                }
            }
        } catch (UnknownHostException e) {
            throw badSources(s, "addresses (" + e.getMessage() + ")");
        }
        return out;
    }

    private static InvalidValueException badSources(String s, String expected) {
        return new InvalidValueException("--source-addresses", InvalidValueException.quoted(s), expected);
    }

    static double parseErrorRate(String s) {
        if (s == null) {
            return Double.NaN;
        }
        try {
            String t = s.trim();
            double v = t.endsWith("%") ? Double.parseDouble(t.substring(0, t.length() - 1)) / 100
                    : Double.parseDouble(t);
            if (v < 0 || v > 1 || Double.isNaN(v)) {
                throw new NumberFormatException();
            }
            return v;
        } catch (NumberFormatException e) {
            throw new InvalidValueException("--max-error-rate", InvalidValueException.quoted(s), "0..1 or 0%..100%");
        }
    }
}
