package dev.topo.server.http;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.topo.server.TopoServer;
import dev.topo.server.testing.Servers;
import java.io.InputStream;
import java.net.Socket;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A request that says {@code Connection: close}, read to its end, leaves no input a reset could cost the response:
 * the server closes at once (as nginx does) instead of lingering, which saves system calls on every such
 * connection. The server's own reasons to close (errors, drain) still linger; the hostile suite holds those.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class ClientCloseTest {

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"epoll", "io_uring"})
    void aClientThatAsksToCloseIsClosedAtOnceNotLingeredOn(String transport) throws Exception {
        // A linger long enough that a lingering server would still hold the connection when it is checked.
        TopoServer server = Servers.start("transport: " + transport + "\ntopology: {kind: single-acceptor, "
                + "workers: 1}\nlimits: {lingerTimeout: 20s}\n");
        try (Socket s = new Socket(server.address().getAddress(), server.address().getPort())) {
            s.setSoTimeout(5000);
            s.getOutputStream().write("GET / HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n"
                    .getBytes(StandardCharsets.US_ASCII));
            InputStream in = s.getInputStream();
            String response = new String(in.readAllBytes(), StandardCharsets.US_ASCII);
            assertTrue(response.startsWith("HTTP/1.1 200"), response);
            assertTrue(response.endsWith("Hello, World!"), response);
            // The client keeps its side open and sends more: a server still lingering would read and drop it (the
            // client then reads end-of-stream again); a server that has closed its socket answers with a reset.
            Thread.sleep(200);
            s.getOutputStream().write("x".getBytes(StandardCharsets.US_ASCII));
            Thread.sleep(200);
            SocketException reset = assertThrows(SocketException.class, () -> {
                s.getOutputStream().write("y".getBytes(StandardCharsets.US_ASCII));
                in.read();
            }, "closed at once, not after the 20 s linger");
            assertTrue(String.valueOf(reset.getMessage()).contains("reset")
                    || String.valueOf(reset.getMessage()).contains("Broken pipe"), reset.toString());
        } finally {
            server.stop();
        }
    }
}
