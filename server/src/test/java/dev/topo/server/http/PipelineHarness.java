package dev.topo.server.http;

import dev.topo.config.ServerConfig;
import dev.topo.server.metrics.LoopStats;
import dev.topo.server.metrics.ServerMetrics;
import dev.topo.server.testing.Servers;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.embedded.EmbeddedChannel;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The real request pipeline ({@link ConnectionPipeline}, as every topology builds it) on an {@link EmbeddedChannel}
 * whose clock only moves when told: bytes in, the exact bytes out.
 */
final class PipelineHarness implements AutoCloseable {
    private static final Pattern STATUS_LINE = Pattern.compile("HTTP/1\\.1 \\d{3} ");
    private static final Pattern CONTENT_LENGTH = Pattern.compile("\r\nContent-Length: (\\d+)\r\n");

    final ServerMetrics metrics;
    final LoopStats loop;
    final EmbeddedChannel ch;
    private final StringBuilder out = new StringBuilder();

    /** @param yaml merged into a default configuration, as a server's YAML file would be */
    PipelineHarness(String yaml) {
        ServerConfig config = Servers.config(yaml.isEmpty() ? "protocol: http\n" : yaml);
        metrics = new ServerMetrics(config.limits().maxConnections());
        loop = metrics.addLoop(metrics.addListener(0), "topo-test-0");
        ConnectionPipeline pipeline = new ConnectionPipeline(config, metrics, null);
        ch = new EmbeddedChannel(new ChannelInitializer<Channel>() {
            @Override
            protected void initChannel(Channel c) {
                pipeline.build(c.pipeline(), loop, loop.name(), null);
            }
        });
        ch.freezeTime();
    }

    /** Sends {@code raw} (ISO-8859-1, one byte per char) and returns what the server wrote in answer. */
    String send(String raw) {
        return send(raw.getBytes(StandardCharsets.ISO_8859_1));
    }

    String send(byte[] raw) {
        if (ch.isOpen()) {
            ch.writeInbound(Unpooled.wrappedBuffer(raw));
        }
        return drain();
    }

    /** Moves the clock and runs what became due. */
    String advance(long amount, TimeUnit unit) {
        ch.advanceTimeBy(amount, unit);
        ch.runPendingTasks();
        return drain();
    }

    /** Everything written so far. */
    String output() {
        return out.toString();
    }

    /** The status codes of every response written so far, in order (bodies skipped by their framing). */
    List<Integer> statuses() {
        List<Integer> codes = new ArrayList<>();
        for (String head : heads()) {
            codes.add(Integer.parseInt(head.substring(9, 12)));
        }
        return codes;
    }

    /** The head (status line and fields) of every final response written so far, in order. */
    List<String> heads() {
        List<String> heads = new ArrayList<>();
        String all = out.toString();
        int at = 0;
        while (at < all.length()) {
            int headEnd = all.indexOf("\r\n\r\n", at);
            if (!all.startsWith("HTTP/1.1 ", at) || headEnd < 0) {
                throw new AssertionError("not a response at " + at + ": " + all.substring(at));
            }
            String head = all.substring(at, headEnd + 2);
            int status = Integer.parseInt(head.substring(9, 12));
            at = headEnd + 4;
            if (status == 100) {
                continue;
            }
            heads.add(head);
            Matcher length = CONTENT_LENGTH.matcher(head);
            if (STATUS_LINE.matcher(all).region(at, all.length()).lookingAt() || at == all.length()) {
                // The answer to a HEAD request: a length, no body (no body Topo sends starts with a status line).
                continue;
            }
            if (length.find()) {
                at += Integer.parseInt(length.group(1));
            } else if (head.contains("\r\nTransfer-Encoding: chunked\r\n")) {
                at = skipChunks(all, at);
            }
        }
        return heads;
    }

    private static int skipChunks(String all, int at) {
        while (true) {
            int lineEnd = all.indexOf("\r\n", at);
            int size = Integer.parseInt(all.substring(at, lineEnd), 16);
            at = lineEnd + 2 + size + 2;
            if (size == 0) {
                return at;
            }
        }
    }

    boolean isOpen() {
        return ch.isOpen();
    }

    private String drain() {
        StringBuilder now = new StringBuilder();
        for (Object msg = ch.readOutbound(); msg != null; msg = ch.readOutbound()) {
            ByteBuf buf = (ByteBuf) msg;
            try {
                now.append(buf.toString(StandardCharsets.ISO_8859_1));
            } finally {
                buf.release();
            }
        }
        out.append(now);
        return now.toString();
    }

    @Override
    public void close() {
        ch.finishAndReleaseAll();
        metrics.close();
    }
}
