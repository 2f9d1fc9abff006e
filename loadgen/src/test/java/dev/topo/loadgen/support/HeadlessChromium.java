package dev.topo.loadgen.support;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Assumptions;

/**
 * Renders a page in headless Chromium with every network fetch made to fail, and reads what the page measured of
 * itself. Chromium has no switch that prints layout figures, so a copy of the page gets a probe script that writes
 * them into the {@code <body>} as {@code data-} attributes, and {@code --dump-dom} prints the DOM after load. The
 * page under test is never changed.
 *
 * <p>Where no Chromium is installed the test is skipped, unless {@code TOPO_REQUIRE_CHROMIUM=1} (CI sets it after
 * installing one): then its absence fails the test.
 */
public final class HeadlessChromium {
    private static final List<String> BINARIES = List.of("chromium", "chromium-browser", "google-chrome");
    private static final Pattern ATTRIBUTE = Pattern.compile("data-probe-([a-z]+)=\"([^\"]*)\"");
    private static final String PROBE = """
            <script>
            window.addEventListener('load', () => {
              const b = document.body, images = [...document.images];
              b.dataset.probeImages = images.length;
              b.dataset.probeDecoded = images.filter(i => i.complete && i.naturalWidth > 0).length;
              b.dataset.probeWidest = Math.max(0, ...images.map(i => i.naturalWidth));
              b.dataset.probeOverflow = document.documentElement.scrollWidth - window.innerWidth;
              b.dataset.probeFetches = performance.getEntriesByType('resource')
                  .filter(e => !e.name.startsWith('data:')).length;
              b.dataset.probeVerdicts = document.querySelectorAll('ul.verdicts li').length;
            });
            </script>
            """;

    private final String binary;

    private HeadlessChromium(String binary) {
        this.binary = binary;
    }

    /** The installed Chromium, or the test is skipped (failed when {@code TOPO_REQUIRE_CHROMIUM=1}). */
    public static HeadlessChromium find() {
        for (String dir : System.getenv().getOrDefault("PATH", "/usr/bin").split(":")) {
            for (String name : BINARIES) {
                if (Files.isExecutable(Path.of(dir, name))) {
                    return new HeadlessChromium(Path.of(dir, name).toString());
                }
            }
        }
        if ("1".equals(System.getenv("TOPO_REQUIRE_CHROMIUM"))) {
            throw new AssertionError("TOPO_REQUIRE_CHROMIUM=1 but no Chromium on PATH (" + BINARIES + ")");
        }
        Assumptions.abort("no Chromium on PATH: the page is not rendered (apt-get install chromium)");
        return null;
    }

    /** What the page says of itself once loaded in a 1280 px wide window. */
    public record Render(int images, int decoded, int widestImage, int overflowPixels, int fetches, int verdicts,
                         String dom) {
    }

    public Render render(Path page) throws IOException, InterruptedException {
        String html = Files.readString(page, StandardCharsets.UTF_8);
        Path probed = page.resolveSibling("probed-" + page.getFileName());
        Files.writeString(probed, html.replace("</body>", PROBE + "</body>"), StandardCharsets.UTF_8);
        List<String> command = new ArrayList<>(List.of(binary, "--headless", "--disable-gpu", "--no-first-run",
                // Root in a container has no user namespace for the sandbox; the page is our own.
                "--no-sandbox",
                // Every fetch fails: names resolve nowhere and everything else goes to a proxy that is not there.
                "--host-resolver-rules=MAP * ~NOTFOUND", "--proxy-server=socks5://127.0.0.1:9",
                "--proxy-bypass-list=<-loopback>", "--window-size=1280,2000", "--virtual-time-budget=5000",
                "--dump-dom", probed.toUri().toString()));
        Process chromium = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.DISCARD).start();
        String dom = new String(chromium.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!chromium.waitFor(60, TimeUnit.SECONDS)) {
            chromium.destroyForcibly();
            throw new AssertionError("Chromium did not finish within 60 s");
        }
        Matcher m = ATTRIBUTE.matcher(dom);
        Map<String, Integer> figures = new HashMap<>();
        while (m.find()) {
            figures.put(m.group(1), Integer.parseInt(m.group(2)));
        }
        if (figures.size() < 6) {
            throw new AssertionError("the probe did not run (exit " + chromium.exitValue() + "): " + figures);
        }
        return new Render(figures.get("images"), figures.get("decoded"), figures.get("widest"),
                figures.get("overflow"), figures.get("fetches"), figures.get("verdicts"), dom);
    }
}
