package dev.topo.server.process;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.topo.server.cli.TopoServerCommand;
import dev.topo.server.testing.RawHttp;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The master as users run it, a separate JVM: SIGKILLed it leaves no worker; giving up on a worker exits 1. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class MasterProcessTest {
    private static final Pattern READY = Pattern.compile("^\\S+ \\[main] \\[INFO] TopoServer - topo ready: .* "
            + "address=\\S+:(\\d+) admin=\\S+:(\\d+) ");
    private static final HttpClient ADMIN = HttpClient.newHttpClient();

    @TempDir
    Path dir;

    private Process master;
    private final StringBuffer output = new StringBuffer();
    private final List<Long> workers = new ArrayList<>();
    private int port;
    private int admin;

    /** Starts a master with {@code topology} and waits for its ready line. */
    private void startMaster(String topology) throws Exception {
        Matcher m = launchMaster(topology).get(45, TimeUnit.SECONDS);
        port = Integer.parseInt(m.group(1));
        admin = Integer.parseInt(m.group(2));
        for (JsonNode w : topology().get("workers")) {
            workers.add(w.get("pid").asLong());
        }
    }

    /** Starts a master with {@code topology}; the future completes with its ready line. */
    private CompletableFuture<Matcher> launchMaster(String topology) throws IOException {
        Path config = dir.resolve("master.yaml");
        Files.writeString(config, "bind: {host: 127.0.0.1, port: 0}\nadmin: {host: 127.0.0.1, port: 0}\n"
                + "drainDelay: 0s\ntopology: " + topology + "\n");
        List<String> cmd = List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-cp",
                System.getProperty("java.class.path"), TopoServerCommand.class.getName(), "--config",
                config.toString());
        master = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        CompletableFuture<Matcher> ready = new CompletableFuture<>();
        Thread reader = new Thread(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(master.getInputStream(),
                    StandardCharsets.UTF_8))) {
                for (String line = r.readLine(); line != null; line = r.readLine()) {
                    output.append(line).append('\n');
                    Matcher m = READY.matcher(line);
                    if (m.find()) {
                        ready.complete(m);
                    }
                }
            } catch (IOException ignored) {
                // the master is gone
            }
            ready.completeExceptionally(new AssertionError("master never ready:\n" + output));
        });
        reader.setDaemon(true);
        reader.start();
        return ready;
    }

    private static void signal(long pid, String signal) throws IOException, InterruptedException {
        assertEquals(0, new ProcessBuilder("kill", "-" + signal, Long.toString(pid)).start().waitFor());
    }

    /** The master's private directory of worker files, if it is still there. */
    private List<Path> leftovers() throws IOException {
        List<Path> dirs = new ArrayList<>();
        try (var found = Files.newDirectoryStream(Path.of(System.getProperty("java.io.tmpdir")),
                "topo-" + master.pid() + "-*")) {
            found.forEach(dirs::add);
        }
        return dirs;
    }

    @Test
    void workersIgnoreSigtermAndSigintOnlyTheirMasterStopsThem() throws Exception {
        startMaster("{kind: process-reuseport, processes: 2}");
        signal(workers.get(0), "TERM");
        signal(workers.get(1), "INT");
        Thread.sleep(1_000);
        workers.forEach(pid -> assertTrue(ProcessTests.running(pid), "worker " + pid + " still runs\n" + output));
        for (JsonNode w : topology().get("workers")) {
            assertEquals(0, w.get("restarts").asInt(), "no worker died: " + w);
        }
        try (RawHttp c = new RawHttp(new InetSocketAddress("127.0.0.1", port))) {
            assertEquals(200, c.exchange(RawHttp.get("/")).status());
        }

        signal(master.pid(), "TERM");
        assertTrue(master.waitFor(30, TimeUnit.SECONDS), "the master drains its workers and exits");
        assertEquals(0, master.exitValue(), output.toString());
        assertTrue(ProcessTests.await(() -> workers.stream().noneMatch(ProcessTests::running), 10));
        assertEquals(List.of(), leftovers(), "the master removed its worker files");
    }

    @Test
    void nettysLeakDetectionIsOffInTheMasterAndEveryWorker() throws Exception {
        // Started without the level the tests run at: each JVM's main turns the detector off before Netty reads it.
        startMaster("{kind: process-reuseport, processes: 2}");
        List<Long> jvms = new ArrayList<>(workers);
        jvms.add(master.pid());
        for (long pid : jvms) {
            assertEquals("disabled", systemProperty(pid, "io.netty.leakDetection.level"), "pid " + pid);
        }
    }

    /** A system property of a running JVM as it is now, set on its command line or by its program; null if unset. */
    private static String systemProperty(long pid, String name) throws IOException, InterruptedException {
        Path jcmd = Path.of(System.getProperty("java.home"), "bin", "jcmd");
        Process p = new ProcessBuilder(jcmd.toString(), Long.toString(pid), "VM.system_properties")
                .redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, p.waitFor(), out);
        return out.lines().filter(l -> l.startsWith(name + "=")).map(l -> l.substring(name.length() + 1))
                .findFirst().orElse(null);
    }

    @Test
    void sigtermWhileTheWorkersStartDrainsThemOnceUpAndExits0() throws Exception {
        CompletableFuture<Matcher> ready = launchMaster("{kind: process-fd-passing, processes: 2, workers: 1}");
        assertTrue(ProcessTests.await(() -> output.indexOf("started worker-1") >= 0, 30), output.toString());
        signal(master.pid(), "TERM");
        assertTrue(master.waitFor(40, TimeUnit.SECONDS), "the master exits\n" + output);
        assertEquals(0, master.exitValue(), "a graceful stop, not 143\n" + output);
        assertTrue(ready.isDone(), "the start completed before the drain");
        Matcher started = Pattern.compile("started worker-\\d \\(pid (\\d+)\\)").matcher(output);
        while (started.find()) {
            long pid = Long.parseLong(started.group(1));
            assertTrue(ProcessTests.await(() -> !ProcessTests.running(pid), 10), "worker " + pid + " exited");
        }
        assertEquals(List.of(), leftovers(), "the master removed its worker files");
    }

    private JsonNode topology() throws IOException, InterruptedException {
        String body = ADMIN.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + admin + "/topology"))
                .build(), HttpResponse.BodyHandlers.ofString()).body();
        return new ObjectMapper().readTree(body);
    }

    @AfterEach
    void cleanUp() throws IOException {
        if (master == null) {
            return;
        }
        master.destroyForcibly();
        workers.forEach(pid -> ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly));
        // A SIGKILLed master cannot remove its directory of worker files.
        try (var leftovers = Files.newDirectoryStream(Path.of(System.getProperty("java.io.tmpdir")),
                "topo-" + master.pid() + "-*")) {
            for (Path d : leftovers) {
                try (var files = Files.list(d)) {
                    for (Path f : (Iterable<Path>) files::iterator) {
                        Files.deleteIfExists(f);
                    }
                }
                Files.deleteIfExists(d);
            }
        }
    }

    @Test
    void killingTheMasterWithSigkillEndsEveryWorker() throws Exception {
        startMaster("{kind: process-reuseport, processes: 2}");
        try (RawHttp c = new RawHttp(new InetSocketAddress("127.0.0.1", port))) {
            assertEquals(200, c.exchange(RawHttp.get("/")).status());
        }
        assertEquals(2, workers.size(), output.toString());
        workers.forEach(pid -> assertTrue(ProcessTests.running(pid), "worker " + pid + " runs"));

        master.toHandle().destroyForcibly();
        assertTrue(master.waitFor(10, TimeUnit.SECONDS));
        assertTrue(ProcessTests.await(() -> workers.stream().noneMatch(ProcessTests::running), 10),
                "every worker exits once its master is gone (stdin end-of-file)");
    }

    @Test
    void aWorkerDyingMoreThanMaxRestartsTimesInARowMakesTheMasterExit1() throws Exception {
        startMaster("{kind: process-fd-passing, processes: 1, workers: 1, maxRestarts: 1}");
        ProcessHandle.of(workers.get(0)).orElseThrow().destroyForcibly();
        JsonNode[] slot = new JsonNode[1];
        assertTrue(ProcessTests.await(() -> {
            try {
                slot[0] = topology().get("workers").get(0);
            } catch (IOException e) {
                return false;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return true;
            }
            return slot[0].get("state").asText().equals("running") && slot[0].get("restarts").asInt() == 1;
        }, 30), "one restart is within maxRestarts: 1; " + slot[0]);
        long restarted = slot[0].get("pid").asLong();
        workers.add(restarted);
        try (RawHttp c = new RawHttp(new InetSocketAddress("127.0.0.1", port))) {
            assertEquals(restarted, ProcessTests.worker(c.exchange(RawHttp.get("/"))));
        }

        ProcessHandle.of(restarted).orElseThrow().destroyForcibly();
        assertTrue(master.waitFor(30, TimeUnit.SECONDS), "the master gives up and exits");
        assertEquals(1, master.exitValue(), output.toString());
        assertTrue(output.toString().contains("giving up: worker-0 died 2 times in a row"), output.toString());
    }
}
