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
 * @param warmup           time whose results are discarded
 * @param timeout          connect and response timeout
 * @param rate             requests per second on one global schedule (open loop); 0 for closed loop
 * @param connectionMode   keep-alive or one connection per request
 * @param connectRate      cap on new connections per second over all threads; 0 for none
 * @param closeMode        who closes the connection in per-request mode
 * @param sourceAddresses  local addresses to bind, round-robin; empty lets the kernel choose
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
        Duration warmup,
        Duration timeout,
        double rate,
        ConnectionMode connectionMode,
        double connectRate,
        CloseMode closeMode,
        List<InetAddress> sourceAddresses) {

    /** One request header. */
    public record Header(String name, String value) {
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
        if (connections < 1) {
            throw new IllegalArgumentException("--connections must be at least 1");
        }
        if (threads < 1) {
            throw new IllegalArgumentException("--threads must be at least 1");
        }
        if (threads > connections) {
            throw new IllegalArgumentException("--threads (" + threads + ") cannot exceed --connections ("
                    + connections + ")");
        }
        if (pipeline < 1) {
            throw new IllegalArgumentException("--pipeline must be at least 1");
        }
        if (pipeline > 1 && connectionMode == ConnectionMode.PER_REQUEST) {
            throw new IllegalArgumentException("--pipeline needs keep-alive connections");
        }
        if (duration.isNegative() || duration.isZero()) {
            throw new IllegalArgumentException("--duration must be positive");
        }
        if (warmup.isNegative()) {
            throw new IllegalArgumentException("--warmup cannot be negative");
        }
        if (timeout.isNegative() || timeout.isZero()) {
            throw new IllegalArgumentException("--timeout must be positive");
        }
        if (rate < 0 || Double.isNaN(rate) || Double.isInfinite(rate)) {
            throw new IllegalArgumentException("--rate must be a positive number");
        }
        if (connectRate < 0 || Double.isNaN(connectRate) || Double.isInfinite(connectRate)) {
            throw new IllegalArgumentException("--connect-rate must be a positive number");
        }
        if (!target.isHttp() && closeMode == CloseMode.SERVER) {
            throw new IllegalArgumentException("--close server needs an http:// target (an echo server never closes)");
        }
        if (!target.isHttp() && body.length == 0) {
            throw new IllegalArgumentException("tcp:// targets need a payload of at least one byte");
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

    public static Builder builder(Target target) {
        return new Builder(target);
    }

    /** Mutable builder with the CLI's defaults. */
    public static final class Builder {
        private final Target target;
        private String method = "GET";
        private final List<Header> headers = new ArrayList<>();
        private byte[] body;
        private int connections = 10;
        private int threads = 1;
        private int pipeline = 1;
        private Duration duration = Duration.ofSeconds(10);
        private Duration warmup = Duration.ZERO;
        private Duration timeout = Duration.ofSeconds(5);
        private double rate;
        private ConnectionMode connectionMode = ConnectionMode.KEEPALIVE;
        private double connectRate;
        private CloseMode closeMode;
        private List<InetAddress> sourceAddresses = List.of();

        private Builder(Target target) {
            this.target = target;
        }

        public Builder method(String v) {
            method = v;
            return this;
        }

        public Builder header(String name, String value) {
            headers.add(new Header(name, value));
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

        public Builder warmup(Duration v) {
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

        public Builder sourceAddresses(List<InetAddress> v) {
            sourceAddresses = v;
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
                    timeout, rate, connectionMode, connectRate, close, sourceAddresses);
        }
    }
}
