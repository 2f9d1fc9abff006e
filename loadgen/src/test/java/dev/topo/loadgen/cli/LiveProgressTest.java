package dev.topo.loadgen.cli;

import dev.topo.loadgen.support.TestHttpServer;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code topo load} on a real terminal (a pseudo-terminal from util-linux {@code script}) rewrites one progress line
 * each second and clears it before the summary; with stderr on a pipe, as in scripts and CI logs, it prints none.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class LiveProgressTest {
    private static final String CLEAR = "\r\033[K";
    private static final Pattern FRAME = Pattern.compile(
            "\r\033\\[K\\[ *([0-9.]+)s / 3s\\] +([0-9]+) req/s +p99 +\\S+ +\\S* *errors 0 +remaining ([0-9]+)s");

    @Test
    void aTerminalSeesOneLineRewrittenEachSecondThenTheSummary() throws Exception {
        try (TestHttpServer server = TestHttpServer.hello()) {
            String screen = run(server, true);
            Matcher m = FRAME.matcher(screen);
            List<double[]> frames = new ArrayList<>();
            while (m.find()) {
                frames.add(new double[] {Double.parseDouble(m.group(1)), Double.parseDouble(m.group(2)),
                        Double.parseDouble(m.group(3))});
            }
            assertTrue(frames.size() >= 2, "a frame per second of a 3 s run: " + printable(screen));
            for (int i = 1; i < frames.size(); i++) {
                assertTrue(frames.get(i)[0] > frames.get(i - 1)[0], "elapsed grows: " + printable(screen));
                assertTrue(frames.get(i)[2] <= frames.get(i - 1)[2], "remaining shrinks: " + printable(screen));
            }
            // 200 req/s offered: each full second shows about that, not a cumulative or a stale figure.
            double rate = frames.get(1)[1];
            assertTrue(rate > 150 && rate < 250, rate + " req/s in the second frame: " + printable(screen));
            int summary = screen.indexOf("requests");
            assertTrue(summary > screen.lastIndexOf("remaining"), "the summary follows the progress");
            assertTrue(screen.lastIndexOf(CLEAR, summary) > screen.lastIndexOf("remaining"),
                    "the progress line is cleared before the summary: " + printable(screen));
        }
    }

    @Test
    void aPipeGetsNoProgressLine() throws Exception {
        try (TestHttpServer server = TestHttpServer.hello()) {
            String output = run(server, false);
            assertTrue(output.contains("requests"), output);
            assertFalse(output.contains(CLEAR) || output.contains("remaining"), printable(output));
        }
    }

    /** The CLI in a JVM of its own, on a pseudo-terminal or on pipes; stdout and stderr together. */
    private static String run(TestHttpServer server, boolean terminal) throws IOException, InterruptedException {
        List<String> load = List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), LoadCommand.class.getName(),
                "http://127.0.0.1:" + server.port() + "/", "-d", "3s", "--warmup", "0s", "-c", "2", "-R", "200");
        List<String> command = terminal
                ? List.of("script", "--quiet", "--return", "--command", String.join(" ",
                        load.stream().map(LiveProgressTest::quoted).toList()), "/dev/null")
                : load;
        Path output = Files.createTempFile("topo-load", ".out");
        try {
            Process p = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(output.toFile())
                    .redirectInput(ProcessBuilder.Redirect.PIPE).start();
            assertTrue(p.waitFor(45, TimeUnit.SECONDS), "topo load did not finish");
            String text = Files.readString(output, StandardCharsets.UTF_8);
            assertEquals(0, p.exitValue(), text);
            return text;
        } finally {
            Files.deleteIfExists(output);
        }
    }

    private static String quoted(String arg) {
        return "'" + arg.replace("'", "'\\''") + "'";
    }

    private static String printable(String s) {
        return s.replace("\r", "\\r").replace("\033", "\\e");
    }
}
