package dev.topo.loadgen.compare;

import dev.topo.loadgen.engine.InvalidValueException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * One Topo server started from a command template, ready once its {@code topo ready} line named its ports and its
 * admin {@code /topology} answered. Closing it sends SIGTERM (the server drains and exits 0) and kills it only if it
 * is still alive after the grace period.
 */
public final class ServerProcess implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(ServerProcess.class);
    private static final Pattern READY =
            Pattern.compile("topo ready: .*\\baddress=(\\S+):(\\d+) admin=(\\S+):(\\d+)");
    private static final Pattern PLACEHOLDER = Pattern.compile("\\{(\\w+)}");
    private static final int TAIL_LINES = 20;

    private final Process process;
    private final Deque<String> tail = new ArrayDeque<>();
    private final CompletableFuture<int[]> ports = new CompletableFuture<>();
    static final String WORKER_OUTPUT_PREFIX = "[worker-";
    private volatile String readyLine = "";
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    private ServerProcess(Process process) {
        this.process = process;
    }

    /**
     * The command that starts a server on {@code config}: the {@code --server-cmd} template with {@code {config}},
     * {@code {configName}}, {@code {port}}, {@code {adminPort}} and {@code {serverCpus}} filled in. The server's own
     * flags take port 0 and its ready line reports what it bound: no window in which another process takes a port
     * picked here. A template that publishes the ports (podman -p) needs them fixed beforehand.
     */
    static List<String> command(String template, Map<String, String> placeholders, String serverCpus, Path config)
            throws IOException {
        Map<String, String> values = new HashMap<>(placeholders);
        values.put("config", config.toAbsolutePath().toString());
        // For containers: the file name alone, to join with wherever the directory is mounted.
        values.put("configName", config.getFileName().toString());
        boolean ephemeral = ownPortFlags(template);
        values.put("port", ephemeral ? "0" : String.valueOf(freePort()));
        values.put("adminPort", ephemeral ? "0" : String.valueOf(freePort()));
        values.put("serverCpus", serverCpus == null ? "" : serverCpus);
        return new ArrayList<>(expand(template, values));
    }

    /**
     * Whether {@code {port}} and {@code {adminPort}} appear only as the values of the server's {@code --port} and
     * {@code --admin-port}: then port 0 is safe, the server binds an ephemeral port and its ready line names it.
     */
    static boolean ownPortFlags(String template) {
        String[] words = template.trim().split("\\s+");
        for (int i = 0; i < words.length; i++) {
            String w = words[i];
            if (w.contains("{port}") || w.contains("{adminPort}")) {
                String flag = i == 0 ? "" : words[i - 1];
                boolean own = (w.equals("{port}") && flag.equals("--port"))
                        || (w.equals("{adminPort}") && flag.equals("--admin-port"));
                if (!own) {
                    return false;
                }
            }
        }
        return true;
    }

    static int freePort() throws IOException {
        // For templates that publish the ports (podman -p {port}:{port}): they must be known before the start.
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    /**
     * Expands {@code {name}} placeholders of a whitespace-separated template; an unknown one is an error, since a
     * literal {@code {jar}} reaching the shell would only fail later and less clearly.
     */
    static List<String> expand(String template, Map<String, String> values) {
        List<String> argv = new ArrayList<>();
        for (String word : template.trim().split("\\s+")) {
            Matcher m = PLACEHOLDER.matcher(word);
            StringBuilder sb = new StringBuilder();
            while (m.find()) {
                String v = values.get(m.group(1));
                if (v == null) {
                    throw new InvalidValueException("serverCommand", InvalidValueException.quoted(m.group()),
                            "placeholders among " + values.keySet().stream().sorted().map(k -> "{" + k + "}")
                                    .collect(Collectors.joining(", ")));
                }
                m.appendReplacement(sb, Matcher.quoteReplacement(v));
            }
            m.appendTail(sb);
            argv.add(sb.toString());
        }
        return argv;
    }

    /** Starts the command; {@link #awaitReady} then waits for it. */
    public static ServerProcess start(List<String> argv) throws IOException {
        LOG.debug("starting {}", String.join(" ", argv));
        ProcessBuilder pb = new ProcessBuilder(argv).redirectErrorStream(true);
        ServerProcess sp = new ServerProcess(pb.start());
        Thread reader = new Thread(() -> sp.pump(sp.process.getInputStream()), "topo-compare-server-output");
        reader.setDaemon(true);
        reader.start();
        return sp;
    }

    private void pump(InputStream in) {
        try (BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
            String line;
            while ((line = r.readLine()) != null) {
                LOG.debug("server: {}", line);
                synchronized (tail) {
                    tail.addLast(line);
                    if (tail.size() > TAIL_LINES) {
                        tail.removeFirst();
                    }
                }
                Matcher m = READY.matcher(line);
                // A multi-process master relays its workers' output as "[worker-N pid P] ...", their ready lines
                // included, and those come first: their admin port is one worker's, not the master's merged view.
                if (m.find() && !line.startsWith(WORKER_OUTPUT_PREFIX)) {
                    readyLine = line.substring(line.indexOf("topo ready:"));
                    ports.complete(new int[]{Integer.parseInt(m.group(2)), Integer.parseInt(m.group(4))});
                }
            }
        } catch (IOException e) {
            LOG.debug("server output closed", e);
        }
        ports.completeExceptionally(new IOException("server output ended before its ready line"));
    }

    /**
     * Waits for the ready line (its ports win over the ones asked for: with port 0 only it knows them), then for
     * {@code /topology} to answer 200.
     *
     * @return {port, adminPort}
     */
    public int[] awaitReady(Duration timeout) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        int[] p;
        try {
            p = ports.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (java.util.concurrent.ExecutionException e) {
            // Its output ended: it is exiting, so wait a moment for the code, which says more than "not ready".
            process.waitFor(5, TimeUnit.SECONDS);
            throw new IOException("exited with code " + exitCode() + " before it was ready; last output: " + tail());
        } catch (java.util.concurrent.TimeoutException e) {
            throw new IOException("not ready within " + timeout.toSeconds() + " s; last output: " + tail());
        }
        while (true) {
            try {
                HttpResponse<String> r = get(p[1], "/topology");
                if (r.statusCode() == 200) {
                    return p;
                }
            } catch (IOException e) {
                // Not answering yet: retried until the deadline.
            }
            if (System.nanoTime() > deadline || !process.isAlive()) {
                throw new IOException("admin /topology on port " + p[1] + " did not answer; last output: " + tail());
            }
            Thread.sleep(100);
        }
    }

    public HttpResponse<String> get(int adminPort, String path) throws IOException, InterruptedException {
        HttpRequest req = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + adminPort + path))
                .timeout(Duration.ofSeconds(5)).GET().build();
        return http.send(req, HttpResponse.BodyHandlers.ofString());
    }

    /** The server's "topo ready: ..." line: its listeners, loops and CPUs as it saw them. */
    public String readyLine() {
        return readyLine;
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    public long pid() {
        return process.pid();
    }

    private String exitCode() {
        try {
            return String.valueOf(process.exitValue());
        } catch (IllegalThreadStateException e) {
            return "?";
        }
    }

    /** The last lines the server printed, joined with " | " for a one-line error. */
    public String tail() {
        synchronized (tail) {
            return String.join(" | ", tail);
        }
    }

    /**
     * SIGTERM through the handle, not {@link Process#destroy()}, which would also close our end of its output pipe
     * and lose the drain's last lines. Returns the exit code, or -1 when it had to be killed.
     */
    public int stop(Duration grace) throws InterruptedException {
        if (!process.isAlive()) {
            return process.exitValue();
        }
        process.toHandle().destroy();
        if (process.waitFor(grace.toMillis(), TimeUnit.MILLISECONDS)) {
            return process.exitValue();
        }
        LOG.warn("server pid {} did not exit within {} s of SIGTERM, killing it", process.pid(), grace.toSeconds());
        process.toHandle().descendants().forEach(ProcessHandle::destroyForcibly);
        process.destroyForcibly();
        process.waitFor(5, TimeUnit.SECONDS);
        return -1;
    }

    @Override
    public void close() throws InterruptedException {
        stop(Duration.ofSeconds(15));
    }
}
