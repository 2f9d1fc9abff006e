package dev.topo.server.process;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.topo.server.TopoServer;
import dev.topo.server.testing.RawHttp;
import dev.topo.server.testing.Servers;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/** What the multi-process tests share: the master's documents, worker pids, fd counts, bounded waiting. */
final class ProcessTests {
    private static final ObjectMapper JSON = new ObjectMapper();

    private ProcessTests() {
    }

    static JsonNode topology(TopoServer server) throws IOException, InterruptedException {
        return JSON.readTree(Servers.admin(server, "/topology"));
    }

    /** The pid of each worker slot, as the master's {@code /topology} lists them. */
    static List<Long> workerPids(TopoServer server) throws IOException, InterruptedException {
        List<Long> pids = new ArrayList<>();
        for (JsonNode w : topology(server).get("workers")) {
            pids.add(w.get("pid").asLong());
        }
        return pids;
    }

    static long worker(RawHttp.Response r) {
        String pid = r.header("x-topo-worker");
        if (pid == null) {
            throw new AssertionError("no X-Topo-Worker header in " + r.headers());
        }
        return Long.parseLong(pid);
    }

    /** The sum of {@code family}'s samples over every worker (not the master's own), from a merged scrape. */
    static double sumOverWorkers(String scrape, String family) {
        Matcher m = Pattern.compile("^" + Pattern.quote(family) + "\\{worker=\"(\\d+)\"[^}]*} (\\S+)$",
                Pattern.MULTILINE).matcher(scrape);
        double sum = 0;
        int found = 0;
        while (m.find()) {
            sum += Double.parseDouble(m.group(2));
            found++;
        }
        if (found == 0) {
            throw new AssertionError("no worker sample of " + family + " in:\n" + scrape);
        }
        return sum;
    }

    /** Alive and not a zombie: an orphan's exit may never be reaped in a container whose init does not reap. */
    static boolean running(long pid) {
        try {
            String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
            char state = stat.charAt(stat.lastIndexOf(')') + 2);
            return state != 'Z' && state != 'X';
        } catch (IOException e) {
            return false;
        }
    }

    static int openFds(long pid) {
        try (Stream<Path> fds = Files.list(Path.of("/proc/" + pid + "/fd"))) {
            return (int) fds.count();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * SIGKILLs the worker of {@code slot} and waits until the supervisor reports a new one running there.
     *
     * @return the milliseconds from the kill to the new worker being ready
     */
    static long killAndAwaitRestart(TopoServer server, int slot) throws Exception {
        JsonNode before = topology(server).get("workers").get(slot);
        long pid = before.get("pid").asLong();
        int restarts = before.get("restarts").asInt();
        long began = System.nanoTime();
        ProcessHandle.of(pid).orElseThrow().destroyForcibly();
        JsonNode[] now = new JsonNode[1];
        boolean restarted = await(() -> {
            try {
                now[0] = topology(server).get("workers").get(slot);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return true;
            }
            return now[0].get("pid").asLong() != pid && now[0].get("state").asText().equals("running");
        }, 30);
        long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - began);
        if (!restarted) {
            throw new AssertionError("worker slot " + slot + " not running again 30 s after SIGKILL: " + now[0]);
        }
        if (now[0].get("restarts").asInt() != restarts + 1 || now[0].get("lastExitCode").asInt() != 137) {
            throw new AssertionError("expected restarts " + (restarts + 1) + " and exit code 137 (SIGKILL): " + now[0]);
        }
        return millis;
    }

    /** Polls {@code condition} every 50 ms for at most {@code seconds}; true if it held. */
    static boolean await(BooleanSupplier condition, int seconds) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        while (System.nanoTime() < deadline) {
            if (condition.getAsBoolean()) {
                return true;
            }
            Thread.sleep(50);
        }
        return condition.getAsBoolean();
    }
}
