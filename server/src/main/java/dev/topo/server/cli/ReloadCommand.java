package dev.topo.server.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.topo.config.AdminConfig;
import dev.topo.config.ConfigException;
import dev.topo.config.ConfigLoader;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine;

/** {@code topo reload}: asks a running server to switch live to its configuration file as it is now. */
@Command(name = "topo reload", mixinStandardHelpOptions = true, sortOptions = false, usageHelpAutoWidth = true,
        versionProvider = TopoServerCommand.Version.class,
        description = {"Asks a running Topo server to read its configuration file again and switch to it live "
                + "(POST /reload on its admin endpoint); prints the result as JSON."},
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:switched", "1:not switched: the new configuration did not start, or no server answered",
                "2:the configuration file is invalid (the server keeps serving the old one)"})
public final class ReloadCommand implements Callable<Integer> {
    private static final ObjectMapper JSON = new ObjectMapper();

    @Spec
    private CommandSpec spec;

    @Option(names = "--admin", paramLabel = "HOST:PORT",
            description = "The server's admin endpoint (default: admin.host:admin.port of --config, else "
                    + "127.0.0.1:9090).")
    private String admin;

    @Option(names = {"-c", "--config"}, paramLabel = "FILE", defaultValue = "${env:TOPO_CONFIG}",
            description = "The server's configuration, to find its admin endpoint (default: $TOPO_CONFIG).")
    private Path config;

    @Option(names = "--timeout", paramLabel = "SECONDS", defaultValue = "120",
            description = "How long to wait for the switch (worker processes take seconds to start; default: "
                    + "${DEFAULT-VALUE}).")
    private int timeoutSeconds;

    public static void main(String[] args) {
        System.exit(new CommandLine(new ReloadCommand()).execute(args));
    }

    @Override
    public Integer call() throws InterruptedException {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        String target = admin;
        if (target == null) {
            try {
                AdminConfig a = config == null ? AdminConfig.defaults() : ConfigLoader.load(config).admin();
                target = a.host() + ":" + a.port();
            } catch (ConfigException e) {
                err.println("topo reload: " + e.getMessage());
                return 2;
            }
        }
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://" + target + "/reload"))
                .timeout(Duration.ofSeconds(timeoutSeconds)).POST(HttpRequest.BodyPublishers.noBody()).build();
        HttpResponse<String> response;
        try {
            response = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build()
                    .send(request, HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            err.println("topo reload: no answer from " + target + ": " + e);
            return 1;
        }
        out.print(response.body());
        out.flush();
        String outcome = outcome(response.body());
        if (response.statusCode() == 200 && "switched".equals(outcome)) {
            return 0;
        }
        if ("invalid".equals(outcome)) {
            return 2;
        }
        err.println("topo reload: " + target + " answered " + response.statusCode()
                + (outcome == null ? "" : " (" + outcome + ")"));
        return 1;
    }

    private static String outcome(String body) {
        try {
            JsonNode doc = JSON.readTree(body);
            return doc.hasNonNull("outcome") ? doc.get("outcome").asText() : null;
        } catch (IOException e) {
            return null;
        }
    }
}
