package dev.topo.server.http;

import io.netty.handler.codec.DateFormatter;
import java.nio.charset.StandardCharsets;
import java.util.Date;

/**
 * The {@code Date:} header line, formatted once per second rather than once per response. RFC 9110 §5.6.7 requires
 * the IMF-fixdate form, whose day of the month has two digits ({@code Thu, 03 Dec 2026}); Java's
 * {@code RFC_1123_DATE_TIME} writes one digit on the first nine days, Netty's {@link DateFormatter} writes two.
 */
final class HttpDate {
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

    /** The header line for the second {@code epochSecond}; {@link #line()} caches it. */
    static byte[] lineFor(long epochSecond) {
        return format(epochSecond).bytes;
    }

    private static Line format(long second) {
        String text = "Date: " + DateFormatter.format(new Date(second * 1000)) + "\r\n";
        return new Line(second, text.getBytes(StandardCharsets.US_ASCII));
    }

    private record Line(long second, byte[] bytes) {
    }
}
