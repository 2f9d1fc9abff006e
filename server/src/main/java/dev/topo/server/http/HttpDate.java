package dev.topo.server.http;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;

/** The {@code Date:} header line, formatted once per second rather than once per response. */
final class HttpDate {
    private static final DateTimeFormatter RFC_1123 = DateTimeFormatter.RFC_1123_DATE_TIME.withZone(ZoneOffset.UTC);
    private static volatile Line current = format(System.currentTimeMillis() / 1000);

    private HttpDate() {
    }

    /** {@code Date: Sun, 22 Nov 2026 07:14:49 GMT\r\n}; several loops may format the same second, which is harmless. */
    static byte[] line() {
        long second = System.currentTimeMillis() / 1000;
        Line line = current;
        if (line.second != second) {
            line = format(second);
            current = line;
        }
        return line.bytes;
    }

    private static Line format(long second) {
        String text = "Date: " + RFC_1123.format(Instant.ofEpochSecond(second)) + "\r\n";
        return new Line(second, text.getBytes(StandardCharsets.US_ASCII));
    }

    private record Line(long second, byte[] bytes) {
    }
}
