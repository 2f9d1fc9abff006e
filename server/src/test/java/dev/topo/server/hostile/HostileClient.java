package dev.topo.server.hostile;

import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * A client that does what clients should not: sends whatever bytes it is told, trickles, half-closes, resets, never
 * reads. Reads responses with their framing (Content-Length or chunked) and measures how long the server takes to
 * answer or to close. No dependency beyond the JDK, so the benchmark script runs it too.
 */
public final class HostileClient implements AutoCloseable {
    private final Socket socket;
    private final InputStream in;
    private final OutputStream out;

    public HostileClient(InetSocketAddress address) throws IOException {
        socket = new Socket();
        socket.connect(new InetSocketAddress("127.0.0.1", address.getPort()), 5_000);
        socket.setTcpNoDelay(true);
        socket.setSoTimeout(5_000);
        in = socket.getInputStream();
        out = socket.getOutputStream();
    }

    /** One response: status, headers by lower-case name, body. */
    public record Response(int status, Map<String, String> headers, byte[] body) {
        public String header(String name) {
            return headers.get(name.toLowerCase(Locale.ROOT));
        }

        public boolean closes() {
            return "close".equalsIgnoreCase(header("connection"));
        }

        public String text() {
            return new String(body, StandardCharsets.ISO_8859_1);
        }
    }

    public HostileClient send(String raw) throws IOException {
        return send(raw.getBytes(StandardCharsets.ISO_8859_1));
    }

    public HostileClient send(byte[] raw) throws IOException {
        out.write(raw);
        out.flush();
        return this;
    }

    /** Sends {@code raw} one piece at a time, {@code pause} apart, until the server answers or closes. */
    public long trickle(String raw, int pieceBytes, Duration pause, Duration atMost)
            throws IOException, InterruptedException {
        byte[] bytes = raw.getBytes(StandardCharsets.ISO_8859_1);
        long start = System.nanoTime();
        long deadline = start + atMost.toNanos();
        for (int i = 0; System.nanoTime() < deadline; i = (i + pieceBytes) % bytes.length) {
            try {
                out.write(bytes, i, Math.min(pieceBytes, bytes.length - i));
                out.flush();
            } catch (IOException closed) {
                break;
            }
            if (in.available() > 0) {
                break;
            }
            Thread.sleep(pause.toMillis());
        }
        return System.nanoTime() - start;
    }

    /** Shuts the client's output: the server reads end-of-stream after what was sent (a half-close). */
    public void halfClose() throws IOException {
        socket.shutdownOutput();
    }

    /** Closes with a reset (SO_LINGER 0), as a crashed or impatient client does. */
    public void reset() throws IOException {
        socket.setSoLinger(true, 0);
        socket.close();
    }

    /** Reads one response within {@code within}. */
    public Response read(Duration within) throws IOException {
        socket.setSoTimeout((int) Math.max(1, within.toMillis()));
        String statusLine = line();
        String[] parts = statusLine.split(" ", 3);
        if (parts.length < 2 || !parts[0].startsWith("HTTP/")) {
            throw new IOException("not a status line: '" + statusLine + "'");
        }
        int status = Integer.parseInt(parts[1]);
        Map<String, String> headers = new TreeMap<>();
        for (String line = line(); !line.isEmpty(); line = line()) {
            int colon = line.indexOf(':');
            headers.put(line.substring(0, colon).trim().toLowerCase(Locale.ROOT), line.substring(colon + 1).trim());
        }
        if (status == 100) {
            return read(within);
        }
        byte[] body;
        if ("chunked".equalsIgnoreCase(headers.get("transfer-encoding"))) {
            ByteArrayOutputStream all = new ByteArrayOutputStream();
            for (int size = Integer.parseInt(line(), 16); size > 0; size = Integer.parseInt(line(), 16)) {
                all.write(exactly(size));
                line();
            }
            line();
            body = all.toByteArray();
        } else {
            body = exactly(Integer.parseInt(headers.getOrDefault("content-length", "0")));
        }
        return new Response(status, headers, body);
    }

    /** HEAD responses carry a length but no body. */
    public Response readHead(Duration within) throws IOException {
        socket.setSoTimeout((int) Math.max(1, within.toMillis()));
        String[] parts = line().split(" ", 3);
        Map<String, String> headers = new TreeMap<>();
        for (String line = line(); !line.isEmpty(); line = line()) {
            int colon = line.indexOf(':');
            headers.put(line.substring(0, colon).trim().toLowerCase(Locale.ROOT), line.substring(colon + 1).trim());
        }
        return new Response(Integer.parseInt(parts[1]), headers, new byte[0]);
    }

    /**
     * Waits until the server closes the connection (end-of-stream or a reset), reading and dropping whatever comes
     * first; returns the nanoseconds that took, or -1 if the connection was still open after {@code within}.
     */
    public long awaitClosed(Duration within) throws IOException {
        long start = System.nanoTime();
        long deadline = start + within.toNanos();
        byte[] sink = new byte[8192];
        while (true) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                return -1;
            }
            socket.setSoTimeout((int) Math.max(1, left / 1_000_000));
            try {
                if (in.read(sink) < 0) {
                    return System.nanoTime() - start;
                }
            } catch (SocketTimeoutException stillOpen) {
                return -1;
            } catch (SocketException reset) {
                return System.nanoTime() - start;
            }
        }
    }

    /** True when nothing at all has arrived from the server (no response was sent before it closed or went quiet). */
    public boolean nothingAvailable() throws IOException {
        return in.available() == 0;
    }

    public Socket socket() {
        return socket;
    }

    private byte[] exactly(int n) throws IOException {
        byte[] b = in.readNBytes(n);
        if (b.length != n) {
            throw new EOFException("body cut at " + b.length + " of " + n + " bytes");
        }
        return b;
    }

    private String line() throws IOException {
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        int b;
        while ((b = in.read()) != -1) {
            if (b == '\n') {
                String s = buf.toString(StandardCharsets.ISO_8859_1);
                return s.endsWith("\r") ? s.substring(0, s.length() - 1) : s;
            }
            buf.write(b);
        }
        throw new EOFException("connection closed after '" + buf.toString(StandardCharsets.ISO_8859_1) + "'");
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
