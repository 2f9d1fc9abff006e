package dev.topo.server.process;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One worker JVM: the same java binary, JVM options and class path as this process, running {@code cli.WorkerMain}.
 * Its stdin is a pipe only this process writes: a {@code drain} line asks for a graceful stop, and end-of-file (this
 * process died, even by SIGKILL, and the kernel closed the pipe) makes the worker exit at once, so no worker outlives
 * its master. Its stdout carries one {@code topo-worker-ready} line; everything else it prints is forwarded to this
 * process's stderr, prefixed with the worker's name.
 */
public final class WorkerProcess {
    private static final Logger log = LoggerFactory.getLogger(WorkerProcess.class);
    /** The workers' entry point, named rather than imported: entry points use this package, not the reverse. */
    static final String MAIN_CLASS = "dev.topo.server.cli.WorkerMain";
    public static final String READY = "topo-worker-ready";
    /** A worker's line on stdout when it gives its accept turn back to the master. */
    public static final String RELEASED = "topo-worker-released";
    /** The master's line on a worker's stdin that gives it the accept turn. */
    public static final String TAKE_TURN = "accept";
    /** A worker's last line on stdout, as it exits after a drain: the requests it answered. */
    public static final String SERVED = "topo-worker-served";
    private static final Pattern SERVED_LINE = Pattern.compile(SERVED + " (\\d+)");
    private static final Pattern READY_LINE = Pattern.compile(READY + " port=(\\d+) admin=(\\d+)");
    /** A JVM on a loaded two-core machine starts in about a second; a worker not ready after this is stuck. */
    private static final Duration READY_TIMEOUT = Duration.ofSeconds(60);
    private static final PrintStream FORWARD = System.err;

    /** Where a ready worker serves: its port (the bound one when 0 was asked for) and its admin port (0: none). */
    public record Ready(int port, int adminPort) {
    }

    private final String name;
    private final Process process;
    private final long startedNanos = System.nanoTime();
    private final CompletableFuture<Ready> ready = new CompletableFuture<>();
    private final CompletableFuture<Long> served = new CompletableFuture<>();
    private final OutputStream control;
    private volatile Runnable onReleased = () -> { };

    private WorkerProcess(String name, Process process) {
        this.name = name;
        this.process = process;
        this.control = process.getOutputStream();
    }

    /** Starts {@code WorkerMain CONFIG [HANDOFF_SOCKET]}; returns at once, {@link #ready()} completes when the worker serves. */
    public static WorkerProcess start(String name, List<String> args) {
        List<String> command = new ArrayList<>();
        command.add(javaBinary());
        List<String> options = WorkerJvmOptions.of(ManagementFactory.getRuntimeMXBean().getInputArguments(),
                System.getenv("TOPO_WORKER_JAVA_OPTS"));
        command.addAll(options);
        // The jar's manifest grants Netty native access under -jar; a worker runs with -cp, so it must be said.
        if (Runtime.version().feature() >= 22 && options.stream().noneMatch(o -> o.startsWith("--enable-native"))) {
            command.add("--enable-native-access=ALL-UNNAMED");
        }
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
        command.add(MAIN_CLASS);
        command.addAll(args);
        Process process;
        try {
            process = new ProcessBuilder(command).start();
        } catch (IOException e) {
            throw new UncheckedIOException(new IOException("cannot start " + name + ": " + e.getMessage(), e));
        }
        WorkerProcess worker = new WorkerProcess(name, process);
        worker.pump(process.getInputStream(), true);
        worker.pump(process.getErrorStream(), false);
        worker.ready.orTimeout(READY_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS).whenComplete((r, e) -> {
            if (e instanceof TimeoutException) {
                log.error("{} (pid {}) not ready after {} s: killing it", name, worker.pid(),
                        READY_TIMEOUT.toSeconds());
                process.destroyForcibly();
            }
        });
        process.onExit().thenRun(() -> worker.ready.completeExceptionally(new IllegalStateException(name
                + " (pid " + worker.pid() + ") exited with code " + process.exitValue() + " before it was ready")));
        return worker;
    }

    private static String javaBinary() {
        return ProcessHandle.current().info().command()
                .orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    }

    private void pump(InputStream stream, boolean stdout) {
        Thread t = new Thread(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(stream, StandardCharsets.UTF_8))) {
                for (String line = r.readLine(); line != null; line = r.readLine()) {
                    Matcher m = stdout ? READY_LINE.matcher(line) : null;
                    Matcher last = stdout ? SERVED_LINE.matcher(line) : null;
                    if (stdout && line.equals(RELEASED)) {
                        onReleased.run();
                    } else if (last != null && last.matches()) {
                        served.complete(Long.parseLong(last.group(1)));
                    } else if (m != null && m.matches()) {
                        ready.complete(new Ready(Integer.parseInt(m.group(1)), Integer.parseInt(m.group(2))));
                    } else {
                        FORWARD.println("[" + name + " pid " + pid() + "] " + line);
                    }
                }
            } catch (IOException e) {
                log.debug("{}: output closed", name, e);
            }
            if (stdout) {
                // Killed, or never served: it said nothing, and what it had counted died with it.
                served.complete(0L);
            }
        }, "topo-" + name + (stdout ? "-out" : "-err"));
        t.setDaemon(true);
        t.start();
    }

    public String name() {
        return name;
    }

    public long pid() {
        return process.pid();
    }

    /** Completes when the worker's output ends: the requests it said it answered (0 if it said nothing). */
    public CompletableFuture<Long> served() {
        return served;
    }

    public CompletableFuture<Ready> ready() {
        return ready;
    }

    /** The worker's ready state now, or null while it starts (or if it never got ready). */
    public Ready readyNow() {
        return ready.isDone() && !ready.isCompletedExceptionally() ? ready.join() : null;
    }

    public boolean alive() {
        return process.isAlive();
    }

    public Duration uptime() {
        return Duration.ofNanos(System.nanoTime() - startedNanos);
    }

    /** Completes with the exit code. */
    public CompletableFuture<Integer> onExit() {
        return process.onExit().thenApply(Process::exitValue);
    }

    /** Asks for a graceful stop: the worker closes its listeners, lets requests finish, exits 0. */
    public void drain() {
        tell("drain");
    }

    /** Gives the worker the accept turn (see {@link #onReleased}). */
    public void giveTurn() {
        tell(TAKE_TURN);
    }

    /** What runs (on this worker's output thread) when the worker gives its accept turn back. */
    public void onReleased(Runnable action) {
        this.onReleased = action;
    }

    private synchronized void tell(String line) {
        try {
            control.write((line + "\n").getBytes(StandardCharsets.US_ASCII));
            control.flush();
        } catch (IOException e) {
            log.debug("{}: already gone ({})", name, e.getMessage());
        }
    }

    public void kill() {
        process.destroyForcibly();
    }

    /**
     * Drains every worker and waits up to {@code drainTimeout} (plus a margin for the JVMs to exit) for all of them;
     * those still running then are killed.
     */
    public static void drainAll(Collection<WorkerProcess> workers, Duration drainTimeout) throws InterruptedException {
        workers.forEach(WorkerProcess::drain);
        long deadline = System.nanoTime() + drainTimeout.toNanos() + TimeUnit.SECONDS.toNanos(5);
        for (WorkerProcess w : workers) {
            long left = deadline - System.nanoTime();
            try {
                w.process.onExit().get(Math.max(0, left), TimeUnit.NANOSECONDS);
            } catch (TimeoutException e) {
                log.warn("{} (pid {}) still running after the drain: killing it", w.name, w.pid());
                w.kill();
                w.process.waitFor(5, TimeUnit.SECONDS);
            } catch (ExecutionException e) {
                throw new IllegalStateException(e.getCause());
            }
        }
    }
}
