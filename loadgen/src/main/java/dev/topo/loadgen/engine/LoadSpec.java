package dev.topo.loadgen.engine;

import java.net.InetAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Everything the engine needs to run one measurement. Immutable; build it with {@link #builder(Target)}.
 *
 * @param target           where to send the load
 * @param method           HTTP method
 * @param headers          extra request headers, in order
 * @param body             request body (HTTP) or echo payload (tcp); never null
 * @param connections      keep-alive connections, or concurrent connections in per-request mode
 * @param threads          event loop threads; connections are spread over them round-robin
 * @param pipeline         requests in flight per connection (keep-alive only)
 * @param duration         measured time, after the warm-up
 * @param warmup           how long the load runs before the measurement starts; its results are discarded
 * @param timeout          connect and response timeout
 * @param rate             requests per second on one global schedule (open loop); 0 for closed loop
 * @param connectionMode   keep-alive or one connection per request
 * @param connectRate      cap on new connections per second over all threads; 0 for none
 * @param closeMode        who closes the connection in per-request mode
 * @param sourceAddresses  local addresses to bind, round-robin; empty lets the kernel choose
 * @param mix              a second HTTP target sent every N-th request; null sends the target's path only
 * @param segment          the part of the test this run is: the figures above are the whole test's, and the run
 *                         takes its share of the connections, connect rate and open-loop requests
 * @param transport        the client's own I/O; null: {@link ClientTransport#preferred()}
 */
public record LoadSpec(
        Target target,
        String method,
        List<Header> headers,
        byte[] body,
        int connections,
        int threads,
        int pipeline,
        Duration duration,
        Warmup warmup,
        Duration timeout,
        double rate,
        ConnectionMode connectionMode,
        double connectRate,
        CloseMode closeMode,
        List<InetAddress> sourceAddresses,
        RequestMix mix,
        Segment segment,
        ClientTransport transport) {

    /** One request header. */
    public record Header(String name, String value) {

        /** Parses {@code Name: value}. */
        public static Header parse(String text) {
            int colon = text.indexOf(':');
            if (colon <= 0) {
                throw new InvalidValueException("headers", InvalidValueException.quoted(text), "'Name: value'");
            }
            return new Header(text.substring(0, colon).trim(), text.substring(colon + 1).trim());
        }
    }

    public LoadSpec {
        Objects.requireNonNull(target, "target");
        Objects.requireNonNull(method, "method");
        Objects.requireNonNull(duration, "duration");
        Objects.requireNonNull(warmup, "warmup");
        Objects.requireNonNull(timeout, "timeout");
        Objects.requireNonNull(connectionMode, "connectionMode");
        Objects.requireNonNull(closeMode, "closeMode");
        headers = List.copyOf(headers);
        sourceAddresses = List.copyOf(sourceAddresses);
        body = body == null ? new byte[0] : body.clone();
        segment = segment == null ? Segment.WHOLE : segment;
        transport = transport == null ? ClientTransport.preferred() : transport;
        // Messages name the fields as the spec and its JSON do; the command line maps them to its flags.
        if (connections < 1) {
            throw new InvalidValueException("connections", String.valueOf(connections), ">= 1");
        }
        if (threads < 1 || threads > connections) {
            throw new InvalidValueException("threads", String.valueOf(threads),
                    "1.." + connections + ", as threads <= connections");
        }
        if (connections / segment.count() < threads) {
            // Every part runs every thread, and a thread without a connection would send nothing.
            throw new InvalidValueException("connections", String.valueOf(connections), ">= "
                    + (long) threads * segment.count() + ", a connection per thread in each of " + segment.count()
                    + " parts");
        }
        if (pipeline < 1) {
            throw new InvalidValueException("pipeline", String.valueOf(pipeline), ">= 1");
        }
        if (pipeline > 1 && connectionMode == ConnectionMode.PER_REQUEST) {
            throw new InvalidValueException("pipeline", String.valueOf(pipeline),
                    "1 with connectionMode per-request, whose connections carry one request each");
        }
        requirePositive("duration", duration);
        requirePositive("timeout", timeout);
        requireRate("rate", rate);
        requireRate("connectRate", connectRate);
        if (!target.isHttp() && closeMode == CloseMode.SERVER) {
            throw new InvalidValueException("closeMode", InvalidValueException.quoted(closeMode.label()),
                    "client or reset with a tcp:// target: an echo server never closes first");
        }
        if (mix != null && !target.isHttp()) {
            throw new InvalidValueException("mix", InvalidValueException.quoted(mix.path() + ":" + mix.every()),
                    "none with a tcp:// target: an echo request has no path");
        }
        if (!target.isHttp() && body.length == 0) {
            throw new InvalidValueException("body", InvalidValueException.quoted(""),
                    "at least 1 byte with a tcp:// target");
        }
    }

    private static void requirePositive(String field, Duration d) {
        if (d.isNegative() || d.isZero()) {
            throw new InvalidValueException(field, InvalidValueException.duration(d), "> 0");
        }
    }

    /** Requests or connections per second: 0 means none (closed loop, no cap). */
    private static void requireRate(String field, double perSecond) {
        if (!(perSecond >= 0) || Double.isInfinite(perSecond)) {
            throw new InvalidValueException(field, InvalidValueException.number(perSecond),
                    Double.isInfinite(perSecond) ? "a finite number" : ">= 0");
        }
    }

    @Override
    public byte[] body() {
        return body.clone();
    }

    /** The body length without copying it. */
    public int bodyLength() {
        return body.length;
    }

    public boolean openLoop() {
        return rate > 0;
    }

    /** The requests per second this run sends: its segment's share of {@link #rate}. */
    public double segmentRate() {
        return segment.share(rate);
    }

    public static Builder builder(Target target) {
        return new Builder(target);
    }

    /**
     * Mutable builder with the CLI's defaults, but for the warm-up: none unless asked for, so that what a program
     * counts is everything the server answered ({@code topo load} warms up until steady by default).
     */
    public static final class Builder {
        private final Target target;
        private String method = "GET";
        private final List<Header> headers = new ArrayList<>();
        private byte[] body;
        private int connections = 10;
        private int threads = 1;
        private int pipeline = 1;
        private Duration duration = Duration.ofSeconds(10);
        private Warmup warmup = Warmup.NONE;
        private Duration timeout = Duration.ofSeconds(5);
        private double rate;
        private ConnectionMode connectionMode = ConnectionMode.KEEPALIVE;
        private double connectRate;
        private CloseMode closeMode;
        private List<InetAddress> sourceAddresses = List.of();
        private RequestMix mix;
        private Segment segment = Segment.WHOLE;
        private ClientTransport transport;

        private Builder(Target target) {
            this.target = target;
        }

        public Builder method(String v) {
            method = v;
            return this;
        }

        public Builder header(String name, String value) {
            return header(new Header(name, value));
        }

        public Builder header(Header h) {
            headers.add(h);
            return this;
        }

        public Builder body(byte[] v) {
            body = v;
            return this;
        }

        public Builder connections(int v) {
            connections = v;
            return this;
        }

        public Builder threads(int v) {
            threads = v;
            return this;
        }

        public Builder pipeline(int v) {
            pipeline = v;
            return this;
        }

        public Builder duration(Duration v) {
            duration = v;
            return this;
        }

        /** A fixed warm-up; {@link Duration#ZERO} for none. */
        public Builder warmup(Duration v) {
            return warmup(Warmup.fixed(v));
        }

        public Builder warmup(Warmup v) {
            warmup = v;
            return this;
        }

        public Builder timeout(Duration v) {
            timeout = v;
            return this;
        }

        public Builder rate(double v) {
            rate = v;
            return this;
        }

        public Builder connectionMode(ConnectionMode v) {
            connectionMode = v;
            return this;
        }

        public Builder connectRate(double v) {
            connectRate = v;
            return this;
        }

        /** Null picks the default: {@link CloseMode#SERVER} for HTTP, {@link CloseMode#RESET} for tcp. */
        public Builder closeMode(CloseMode v) {
            closeMode = v;
            return this;
        }

        public Builder mix(RequestMix v) {
            mix = v;
            return this;
        }

        public Builder segment(Segment v) {
            segment = v;
            return this;
        }

        public Builder sourceAddresses(List<InetAddress> v) {
            sourceAddresses = v;
            return this;
        }

        /** The client's own I/O; without it, epoll where available. */
        public Builder transport(ClientTransport v) {
            transport = v;
            return this;
        }

        public LoadSpec build() {
            // An echo server never closes first, so SERVER cannot be the tcp default.
            CloseMode close = closeMode != null ? closeMode : target.isHttp() ? CloseMode.SERVER : CloseMode.RESET;
            byte[] b = body;
            if (b == null && !target.isHttp()) {
                b = new byte[64];
                java.util.Arrays.fill(b, (byte) 'x');
            }
            return new LoadSpec(target, method, headers, b, connections, threads, pipeline, duration, warmup,
                    timeout, rate, connectionMode, connectRate, close, sourceAddresses, mix, segment, transport);
        }
    }
}
