package dev.topo.loadgen.engine;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.Locale;

/**
 * What the load is aimed at: an HTTP/1.1 URL or a raw TCP echo endpoint.
 *
 * @param scheme {@code http} or {@code tcp}
 * @param host   host name or literal address, as written by the user
 * @param port   TCP port
 * @param path   request target including the query, {@code /} when absent; unused for tcp
 */
public record Target(String scheme, String host, int port, String path) {

    public boolean isHttp() {
        return "http".equals(scheme);
    }

    /** Host header value: the port is left out only when it is the scheme default. */
    public String hostHeader() {
        String h = host.indexOf(':') >= 0 ? "[" + host + "]" : host;
        return port == 80 ? h : h + ":" + port;
    }

    @Override
    public String toString() {
        return isHttp() ? "http://" + hostHeader() + path : "tcp://" + hostHeader();
    }

    /** What {@link #parse} accepts, for its error messages. */
    private static final String FORMS = "http://host[:port][/path] or tcp://host:port";

    /**
     * Parses {@code http://host[:port][/path]} or {@code tcp://host:port}.
     *
     * @throws InvalidValueException naming the field {@code target}
     */
    public static Target parse(String text) {
        if (text == null || text.isBlank()) {
            throw invalid(text == null ? "" : text, FORMS);
        }
        URI uri;
        try {
            uri = new URI(text.trim());
        } catch (URISyntaxException e) {
            throw invalid(text, FORMS + "; " + e.getReason() + " at index " + e.getIndex());
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if (!scheme.equals("http") && !scheme.equals("tcp")) {
            throw invalid(text, FORMS + (scheme.equals("https") ? "; TLS is not supported" : ""));
        }
        String host = uri.getHost();
        if (host == null || host.isEmpty()) {
            throw invalid(text, "a host: " + FORMS);
        }
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        }
        int port = uri.getPort();
        if (port < 0) {
            if (scheme.equals("tcp")) {
                throw invalid(text, "a port with tcp://host:port");
            }
            port = 80;
        }
        if (port == 0 || port > 65535) {
            throw invalid(text, "a port in 1..65535");
        }
        String path = uri.getRawPath() == null || uri.getRawPath().isEmpty() ? "/" : uri.getRawPath();
        if (uri.getRawQuery() != null) {
            path = path + "?" + uri.getRawQuery();
        }
        return new Target(scheme, host, port, path);
    }

    private static InvalidValueException invalid(String text, String expected) {
        return new InvalidValueException("target", InvalidValueException.quoted(text), expected);
    }
}
