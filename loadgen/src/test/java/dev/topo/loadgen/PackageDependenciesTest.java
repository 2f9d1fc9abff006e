package dev.topo.loadgen;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** What each package-info.java says a package may import, checked on the sources so that it stays true. */
@Timeout(10)
class PackageDependenciesTest {

    private static final Path MAIN = Path.of("src/main/java/dev/topo/loadgen");
    /** Code references to another loadgen package, imported or written out in full. */
    private static final Pattern REFERENCE = Pattern.compile("dev\\.topo\\.loadgen\\.([a-z]+(?:\\.render)?)\\.[A-Z]");

    /** Package → the loadgen packages it must not use. */
    private static final Map<String, Set<String>> FORBIDDEN = Map.of(
            "stats", Set.of("engine", "report", "compare", "compare.render", "cli", "merge"),
            "engine", Set.of("report", "compare", "compare.render", "cli", "merge"),
            "report", Set.of("compare", "compare.render", "cli"),
            "compare", Set.of("report", "compare.render", "cli"),
            "compare.render", Set.of("report", "cli"),
            "merge", Set.of("report", "compare", "compare.render", "cli"),
            "cli", Set.of());

    @Test
    void everyPackageImportsOnlyWhatItsPackageInfoAllows() throws IOException {
        List<String> violations = new ArrayList<>();
        int files = 0;
        try (Stream<Path> sources = Files.walk(MAIN)) {
            for (Path file : sources.filter(p -> p.toString().endsWith(".java")).toList()) {
                if (file.getFileName().toString().equals("package-info.java")) {
                    continue;
                }
                String pkg = MAIN.relativize(file.getParent()).toString().replace('/', '.');
                Set<String> forbidden = FORBIDDEN.get(pkg);
                assertTrue(forbidden != null, "no rule for package " + pkg + ": add it here and in package-info");
                files++;
                for (String line : Files.readAllLines(file)) {
                    String code = line.strip();
                    if (code.startsWith("*") || code.startsWith("/*") || code.startsWith("//")) {
                        continue;
                    }
                    Matcher m = REFERENCE.matcher(code);
                    while (m.find()) {
                        if (forbidden.contains(m.group(1))) {
                            violations.add(MAIN.relativize(file) + " uses " + m.group(1) + ": " + code);
                        }
                    }
                }
            }
        }
        assertTrue(files > 50, "sources found: " + files);
        assertEquals(List.of(), violations);
    }
}
