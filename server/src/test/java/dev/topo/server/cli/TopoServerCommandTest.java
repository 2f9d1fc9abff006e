package dev.topo.server.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.topo.server.testing.RawHttp;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The command as users run it: a separate JVM, real signals, real exit codes. */
@Timeout(90)
class TopoServerCommandTest {
    private static final Pattern READY = Pattern.compile("topo ready: .* address=\\S+:(\\d+) ");
    private static final Pattern PORTS = Pattern.compile("topo ready: .* address=\\S+:(\\d+) admin=\\S+:(\\d+) ");

    @TempDir
    Path dir;

    @Test
    void checkPrintsTheResolvedConfiguration() throws Exception {
        Result r = run("--config", "../config/reuseport.yaml", "--check", "--listeners", "3");
        assertEquals(0, r.exit, r.err);
        assertTrue(r.out.contains("kind: reuseport"), r.out);
        assertTrue(r.out.contains("listeners: 3"), r.out);
        assertTrue(r.out.contains("idleTimeout: 1m"), r.out);
    }

    @Test
    void badConfigurationIsOneLineAndExitCode2() throws Exception {
        Path file = dir.resolve("bad.yaml");
        Files.writeString(file, "topology:\n  kind: reuseport\n  listeners: 0\n");
        Result r = run("--config", file.toString());
        assertEquals(2, r.exit);
        assertEquals("topo server: " + file + ": topology.listeners: 0 (expected: 1..256)", r.err.strip());
    }

    @Test
    void missingConfigAndBadOptionsExit2WithoutStackTraces() throws Exception {
        Result none = run();
        assertEquals(2, none.exit);
        assertTrue(none.err.contains("--config"), none.err);
        Result badOption = run("--config", "../config/reuseport.yaml", "--port", "eighty");
        assertEquals(2, badOption.exit);
        assertFalse(badOption.err.contains("\tat "), badOption.err);
        Result badKind = run("--config", "../config/reuseport.yaml", "--topology", "prefork", "--check");
        assertEquals(2, badKind.exit);
        assertTrue(badKind.err.contains("topology.kind: 'prefork' (expected: one of"), badKind.err);
    }

    @Test
    void configFileMayComeFromTheEnvironment() throws Exception {
        ProcessBuilder pb = command("--check");
        pb.environment().put("TOPO_CONFIG", "../config/single-acceptor.yaml");
        Result r = Result.of(pb.start());
        assertEquals(0, r.exit, r.err);
        assertTrue(r.out.contains("kind: single-acceptor"), r.out);
    }

    @Test
    void helpAndVersion() throws Exception {
        Result help = run("--help");
        assertEquals(0, help.exit);
        assertTrue(help.out.contains("--topology"), help.out);
        Result version = run("--version");
        assertEquals(0, version.exit);
        assertTrue(version.out.contains("Netty 4.2"), version.out);
    }

    @Test
    void sigtermDrainsAndExitsZero() throws Exception {
        Process p = command("--config", "../config/reuseport.yaml", "--host", "127.0.0.1", "--port", "0",
                "--admin-port", "0", "--listeners", "2").start();
        Lines err = new Lines(p);
        int port = err.awaitPort();
        try (RawHttp c = new RawHttp(new InetSocketAddress("127.0.0.1", port))) {
            assertEquals(200, c.exchange(RawHttp.get("/")).status());
        }
        sigterm(p);
        err.await("topo stopped");
        assertTrue(p.waitFor(20, TimeUnit.SECONDS), "stopped");
        assertEquals(0, p.exitValue(), err.all());
    }

    @Test
    void secondSignalExitsAtOnce() throws Exception {
        Path file = dir.resolve("slow-drain.yaml");
        Files.writeString(file, "bind: {host: 127.0.0.1, port: 0}\nadmin: {port: 0}\ndrainTimeout: 60s\n"
                + "work: {maxSleep: 60s}\n");
        Process p = command("--config", file.toString()).start();
        Lines err = new Lines(p);
        int port = err.awaitPort();
        try (RawHttp c = new RawHttp(new InetSocketAddress("127.0.0.1", port))) {
            c.send(RawHttp.get("/work?sleep=30s"));
            Thread.sleep(300);
            sigterm(p);
            err.await("graceful stop");
            long began = System.nanoTime();
            sigterm(p);
            assertTrue(p.waitFor(10, TimeUnit.SECONDS), "second SIGTERM ends the drain");
            assertTrue(System.nanoTime() - began < TimeUnit.SECONDS.toNanos(10));
            assertEquals(128 + 15, p.exitValue(), err.all());
        }
    }

    @Test
    void sighupAndTopoReloadSwitchLiveAndABadFileChangesNothing() throws Exception {
        Path file = dir.resolve("server.yaml");
        Files.writeString(file, serverYaml("kind: single-acceptor", false));
        Process p = command("--config", file.toString()).start();
        Lines err = new Lines(p);
        Matcher ready = err.await(PORTS);
        int port = Integer.parseInt(ready.group(1));
        int admin = Integer.parseInt(ready.group(2));
        InetSocketAddress address = new InetSocketAddress("127.0.0.1", port);
        assertTrue(loop(address).startsWith("topo-worker-0-"));

        Files.writeString(file, serverYaml("kind: reuseport, listeners: 2, workersPerListener: 0", false));
        hangup(p);
        err.await("reload (SIGHUP): switched single-acceptor -> reuseport, generation 2");
        assertTrue(loop(address).startsWith("topo-loop-"), "served by the new generation");

        Files.writeString(file, serverYaml("kind: reuseport, listeners: 0", false));
        hangup(p);
        err.await(Pattern.compile("reload \\(SIGHUP\\): invalid: \\S*server.yaml: topology.listeners: 0 "
                + "\\(expected: 1\\.\\.256\\)"));
        Result bad = Result.of(reload("--admin", "127.0.0.1:" + admin).start());
        assertEquals(2, bad.exit(), bad.err());
        assertTrue(bad.out().contains("\"outcome\" : \"invalid\""), bad.out());
        assertTrue(loop(address).startsWith("topo-loop-"), "the old generation still serves");

        Files.writeString(file, serverYaml("kind: thread-pool, workers: 2", false));
        Result ok = Result.of(reload("--admin", "127.0.0.1:" + admin).start());
        assertEquals(0, ok.exit(), ok.err());
        assertTrue(ok.out().contains("\"generation\" : 3"), ok.out());
        assertTrue(loop(address).startsWith("topo-pool-"));
        Result nobody = Result.of(reload("--admin", "127.0.0.1:1").start());
        assertEquals(1, nobody.exit(), nobody.err());

        sigterm(p);
        assertTrue(p.waitFor(20, TimeUnit.SECONDS), "stopped");
        assertEquals(0, p.exitValue(), err.all());
    }

    @Test
    void aConfigMapStyleSymlinkSwapReloadsExactlyOnce() throws Exception {
        // The layout of a mounted ConfigMap: server.yaml -> ..data/server.yaml, ..data -> ..<timestamp>.
        Path first = Files.createDirectory(dir.resolve("..2026_12_03_1"));
        Files.writeString(first.resolve("server.yaml"), serverYaml("kind: single-acceptor", true));
        Files.createSymbolicLink(dir.resolve("..data"), first.getFileName());
        Path file = Files.createSymbolicLink(dir.resolve("server.yaml"), Path.of("..data/server.yaml"));
        Process p = command("--config", file.toString()).start();
        Lines err = new Lines(p);
        InetSocketAddress address = new InetSocketAddress("127.0.0.1", err.awaitPort());
        err.await("for changes (reload.watch)");

        // What the kubelet does on an update: a new directory, a new symlink beside ..data, renamed over it.
        Path second = Files.createDirectory(dir.resolve("..2026_12_03_2"));
        Files.writeString(second.resolve("server.yaml"), serverYaml("kind: shared-listener, loops: 2", true));
        Path tmp = Files.createSymbolicLink(dir.resolve("..data_tmp"), second.getFileName());
        Files.move(tmp, dir.resolve("..data"), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        Files.delete(first.resolve("server.yaml"));
        Files.delete(first);
        err.await("reload (watch): switched single-acceptor -> shared-listener, generation 2");
        assertTrue(loop(address).startsWith("topo-loop-0-"));
        // Touching without a change, and the quiet period after the swap: no second reload.
        Files.setLastModifiedTime(second.resolve("server.yaml"), FileTime.fromMillis(System.currentTimeMillis()));
        Thread.sleep(1500);
        sigterm(p);
        assertTrue(p.waitFor(20, TimeUnit.SECONDS), "stopped");
        assertEquals(1, err.all().split("reload \\(watch\\)", -1).length - 1, err.all());
    }

    private static String serverYaml(String topology, boolean watch) {
        return "bind: {host: 127.0.0.1, port: 0}\nadmin: {port: 0}\ndrainDelay: 0s\ndrainTimeout: 2s\n"
                + "reload: {watch: " + watch + "}\ntopology: {" + topology + "}\n";
    }

    /** The loop that served one request on a new connection: says which generation's topology answered. */
    private static String loop(InetSocketAddress address) throws IOException {
        try (RawHttp c = new RawHttp(address)) {
            RawHttp.Response r = c.exchange(RawHttp.get("/"));
            assertEquals(200, r.status());
            return r.loop();
        }
    }

    private static void hangup(Process p) throws IOException, InterruptedException {
        assertEquals(0, new ProcessBuilder("kill", "-HUP", Long.toString(p.pid())).start().waitFor());
    }

    private static ProcessBuilder reload(String... args) {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), ReloadCommand.class.getName()));
        cmd.addAll(List.of(args));
        return new ProcessBuilder(cmd);
    }

    /** Through the handle: Process.destroy() would also close our end of the child's stderr. */
    private static void sigterm(Process p) {
        assertTrue(p.toHandle().destroy(), "SIGTERM sent");
    }

    private Result run(String... args) throws IOException, InterruptedException {
        return Result.of(command(args).start());
    }

    private static ProcessBuilder command(String... args) {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), TopoServerCommand.class.getName()));
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd);
        pb.environment().remove("TOPO_CONFIG");
        return pb;
    }

    private record Result(int exit, String out, String err) {
        static Result of(Process p) throws IOException, InterruptedException {
            p.getOutputStream().close();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor(30, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new AssertionError("did not exit: " + err);
            }
            return new Result(p.exitValue(), out, err);
        }
    }

    /** Collects a running process's stderr so tests can wait for log lines. */
    private static final class Lines {
        private final BlockingQueue<String> queue = new LinkedBlockingQueue<>();
        private final StringBuffer all = new StringBuffer();

        Lines(Process p) {
            Thread t = new Thread(() -> {
                try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getErrorStream(),
                        StandardCharsets.UTF_8))) {
                    for (String line = r.readLine(); line != null; line = r.readLine()) {
                        all.append(line).append('\n');
                        queue.add(line);
                    }
                } catch (IOException ignored) {
                    // the process ended
                }
            });
            t.setDaemon(true);
            t.start();
        }

        int awaitPort() throws InterruptedException {
            return Integer.parseInt(await(READY).group(1));
        }

        void await(String text) throws InterruptedException {
            await(Pattern.compile(Pattern.quote(text)));
        }

        Matcher await(Pattern pattern) throws InterruptedException {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (System.nanoTime() < deadline) {
                String line = queue.poll(100, TimeUnit.MILLISECONDS);
                if (line != null) {
                    Matcher m = pattern.matcher(line);
                    if (m.find()) {
                        return m;
                    }
                }
            }
            throw new AssertionError("no line matching " + pattern + " in:\n" + all);
        }

        String all() {
            return all.toString();
        }
    }
}
