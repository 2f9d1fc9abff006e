package dev.topo.server.process;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The master's view of its workers' admin endpoints (each worker serves its own on an ephemeral loopback port). The
 * master's {@code /metrics} is every worker's scrape with a {@code worker="<pid>"} label added to each sample, plus
 * its own under {@code worker="master"}: labels rather than sums, so that the spread across processes stays visible
 * and {@code sum without (worker)} gives the totals.
 */
public final class WorkerScrapes {
    private static final Logger log = LoggerFactory.getLogger(WorkerScrapes.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration TIMEOUT = Duration.ofSeconds(2);
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(TIMEOUT).build();

    private WorkerScrapes() {
    }

    /**
     * Each worker's admin {@code path}, asked of all at once and waited for together within {@link #TIMEOUT}: one
     * stalled worker costs the scrape that timeout once, not once per worker. Null for a worker that is not ready,
     * does not answer in time or answers with an error.
     */
    static List<String> getAll(List<WorkerProcess> workers, String path) {
        List<CompletableFuture<String>> answers = new ArrayList<>();
        for (WorkerProcess w : workers) {
            WorkerProcess.Ready ready = w == null ? null : w.readyNow();
            if (ready == null || ready.adminPort() <= 0) {
                answers.add(CompletableFuture.completedFuture(null));
                continue;
            }
            HttpRequest req = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + ready.adminPort() + path))
                    .timeout(TIMEOUT).build();
            answers.add(HTTP.sendAsync(req, HttpResponse.BodyHandlers.ofString())
                    .thenApply(res -> res.statusCode() == 200 ? res.body() : null)
                    .completeOnTimeout(null, TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)
                    .exceptionally(e -> {
                        log.debug("{} does not answer {}: {}", w.name(), path, e.getMessage());
                        return null;
                    }));
        }
        return answers.stream().map(CompletableFuture::join).toList();
    }

    /** Each worker's {@code /topology} document, or an empty map for one that does not answer. */
    public static List<Map<String, Object>> topologies(List<WorkerProcess> workers) {
        List<Map<String, Object>> documents = new ArrayList<>();
        for (String body : getAll(workers, "/topology")) {
            documents.add(body == null ? Map.of() : parse(body));
        }
        return documents;
    }

    private static Map<String, Object> parse(String body) {
        try {
            return JSON.readValue(body, new TypeReference<LinkedHashMap<String, Object>>() { });
        } catch (IOException e) {
            log.debug("unreadable /topology", e);
            return Map.of();
        }
    }

    /** {@code own} (labelled {@code worker="master"}), {@code extra} (idem) and every ready worker's scrape. */
    public static String metrics(String own, String extra, List<WorkerProcess> workers) {
        List<String[]> sources = new ArrayList<>();
        sources.add(new String[] {"master", own + extra});
        List<String> scrapes = getAll(workers, "/metrics");
        for (int i = 0; i < workers.size(); i++) {
            if (scrapes.get(i) != null) {
                sources.add(new String[] {Long.toString(workers.get(i).pid()), scrapes.get(i)});
            }
        }
        return merge(sources);
    }

    /**
     * Merges Prometheus text expositions {@code {label value, text}}: one {@code # HELP}/{@code # TYPE} per family
     * (the format forbids repeating them), then the samples of every source with {@code worker} added.
     */
    static String merge(List<String[]> sources) {
        Map<String, StringBuilder> heads = new LinkedHashMap<>();
        Map<String, StringBuilder> samples = new LinkedHashMap<>();
        for (String[] source : sources) {
            String label = "worker=\"" + source[0] + "\"";
            String family = "";
            for (String line : source[1].split("\n")) {
                if (line.isBlank()) {
                    continue;
                }
                if (line.startsWith("#")) {
                    String[] parts = line.split(" ", 4);
                    if (parts.length >= 3 && (parts[1].equals("HELP") || parts[1].equals("TYPE"))) {
                        family = parts[2];
                        StringBuilder head = heads.computeIfAbsent(family, f -> new StringBuilder());
                        samples.computeIfAbsent(family, f -> new StringBuilder());
                        if (head.indexOf("# " + parts[1] + " ") < 0) {
                            head.append(line).append('\n');
                        }
                    }
                    continue;
                }
                int brace = line.indexOf('{');
                int space = line.indexOf(' ');
                String labelled = brace >= 0 && brace < space
                        ? line.substring(0, brace + 1) + label + (line.charAt(brace + 1) == '}' ? "" : ",")
                                + line.substring(brace + 1)
                        : line.substring(0, space) + "{" + label + "}" + line.substring(space);
                samples.computeIfAbsent(family, f -> new StringBuilder()).append(labelled).append('\n');
            }
        }
        StringBuilder out = new StringBuilder();
        for (Map.Entry<String, StringBuilder> e : samples.entrySet()) {
            out.append(heads.getOrDefault(e.getKey(), new StringBuilder())).append(e.getValue());
        }
        return out.toString();
    }
}
