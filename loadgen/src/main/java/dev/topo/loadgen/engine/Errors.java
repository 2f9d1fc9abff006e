package dev.topo.loadgen.engine;

import io.netty.channel.ConnectTimeoutException;

import java.net.BindException;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.util.Locale;

/** Maps the exceptions of the JDK and of Netty's native transport onto {@link ErrorKind}s. */
final class Errors {

    private Errors() {
    }

    static ErrorKind classify(Throwable t) {
        if (t instanceof ConnectTimeoutException) {
            return ErrorKind.TIMEOUT;
        }
        if (t instanceof ResponseParser.ProtocolException) {
            return ErrorKind.PROTOCOL;
        }
        String m = t.getMessage() == null ? "" : t.getMessage().toLowerCase(Locale.ROOT);
        // Native epoll exceptions carry the errno text only, hence the message checks.
        if (m.contains("cannot assign requested address") || m.contains("address already in use")
                || t instanceof BindException) {
            return ErrorKind.PORT_EXHAUSTION;
        }
        if (m.contains("refused")) {
            return ErrorKind.REFUSED;
        }
        if (m.contains("reset by peer") || m.contains("broken pipe")) {
            return ErrorKind.RESET;
        }
        if (m.contains("timed out")) {
            return ErrorKind.TIMEOUT;
        }
        if (t instanceof ConnectException || t instanceof NoRouteToHostException) {
            return ErrorKind.REFUSED;
        }
        return ErrorKind.OTHER;
    }
}
