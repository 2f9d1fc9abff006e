package dev.topo.server.process;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.topo.server.TopoServer;
import dev.topo.server.testing.RawHttp;
import dev.topo.server.testing.Servers;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Timeout;

/**
 * A worker killed with connections waiting for it loses none of them, and its slot serves again within a second:
 * process-reuseport's master keeps the worker's listening sockets open (their queues survive it), process-fd-passing's
 * master passes the fds the worker had not read to another, and a standby worker takes the slot over without a JVM
 * start. The worker is stopped (SIGSTOP) first, so that connections really are queued for it when it dies.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class WorkerDeathTest {
    private static final int CONNECTIONS = 40;
    private TopoServer server;

    @AfterEach
    void stop() throws InterruptedException {
        if (server != null) {
            server.stop();
        }
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"process-reuseport", "process-fd-passing"})
    void connectionsQueuedForAKilledWorkerAreServedByItsReplacement(String kind) throws Exception {
        server = Servers.start("topology: {kind: " + kind + ", processes: 2, standbyWorkers: 1}\n"
                + "limits: {idleTimeout: 10s, requestTimeout: 10s}\ndrainTimeout: 2s\n");
        assertTrue(ProcessTests.await(() -> standbyReady() != null, 30), "a standby worker gets ready");
        long standby = standbyReady().get("pid").asLong();
        long victim = ProcessTests.topology(server).get("workers").get(0).get("pid").asLong();

        signal(victim, "STOP");
        // kill returns once the signal is sent, not once the process has stopped: a connection its loop accepted in
        // between would die with it, and is not what this test is about.
        assertTrue(ProcessTests.await(() -> stopped(victim), 10), "the victim stopped");
        List<RawHttp> waiting = new ArrayList<>();
        try {
            for (int i = 0; i < CONNECTIONS; i++) {
                RawHttp c = new RawHttp(server.address());
                c.send("GET / HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n");
                waiting.add(c);
            }
            Thread.sleep(300);
        } finally {
            signal(victim, "KILL");
        }
        long killed = System.nanoTime();

        List<Long> servedBy = new ArrayList<>();
        long firstByReplacement = 0;
        for (RawHttp c : waiting) {
            RawHttp.Response r = c.read();
            assertEquals(200, r.status(), "every connection made while the worker was stopped is answered");
            long pid = ProcessTests.worker(r);
            servedBy.add(pid);
            if (pid == standby && firstByReplacement == 0) {
                firstByReplacement = System.nanoTime();
            }
            c.close();
        }
        assertTrue(servedBy.stream().noneMatch(pid -> pid == victim), "the killed worker answered nothing");
        assertTrue(servedBy.contains(standby) || kind.equals("process-fd-passing"),
                "the standby took the dead worker's sockets and served what was queued on them: " + servedBy);
        if (firstByReplacement > 0) {
            // Each response is read in turn: the first from the standby was there by then, or earlier.
            double seconds = (firstByReplacement - killed) / 1e9;
            assertTrue(seconds < 1.0, "the standby answered within a second of the kill: " + seconds + " s");
        }

        JsonNode slot = ProcessTests.topology(server).get("workers").get(0);
        assertEquals(standby, slot.get("pid").asLong(), "the standby now holds slot 0: " + slot);
        assertEquals(1, slot.get("restarts").asInt());
        assertTrue(ProcessTests.await(() -> standbyReady() != null, 30), "and a new standby gets ready behind it");
    }

    private JsonNode standbyReady() {
        try {
            for (JsonNode s : ProcessTests.topology(server).get("standby")) {
                if (s.get("state").asText().equals("ready")) {
                    return s;
                }
            }
        } catch (IOException e) {
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return null;
    }

    /** State T in /proc/PID/stat (the field after the command's closing parenthesis). */
    private static boolean stopped(long pid) {
        try {
            String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
            return stat.substring(stat.lastIndexOf(')') + 2).startsWith("T");
        } catch (IOException e) {
            return false;
        }
    }

    private static void signal(long pid, String signal) throws IOException, InterruptedException {
        assertEquals(0, new ProcessBuilder("kill", "-" + signal, Long.toString(pid)).start().waitFor());
    }
}
