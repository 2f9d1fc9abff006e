package dev.topo.loadgen.compare;

import dev.topo.loadgen.cli.CompareCommand;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

/**
 * {@code topo compare} run in the test's JVM, as the CLI runs it, with what it prints captured: stdout (tables,
 * verdicts), and with {@code withProgress} stderr too (ready, switched live, failures), in one stream.
 */
record CompareCli(int exitCode, String output) {

    static CompareCli run(boolean withProgress, String... args) {
        PrintStream out = System.out;
        PrintStream err = System.err;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        PrintStream capture = new PrintStream(captured, true, StandardCharsets.UTF_8);
        System.setOut(capture);
        if (withProgress) {
            System.setErr(capture);
        }
        try {
            int code = CompareCommand.commandLine().execute(args);
            return new CompareCli(code, captured.toString(StandardCharsets.UTF_8));
        } finally {
            System.setOut(out);
            System.setErr(err);
        }
    }
}
