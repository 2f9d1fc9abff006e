package dev.topo.server.deploy;

import static dev.topo.server.deploy.Manifests.YAML;
import static dev.topo.server.deploy.Manifests.bytes;
import static dev.topo.server.deploy.Manifests.containerPort;
import static dev.topo.server.deploy.Manifests.cpu;
import static dev.topo.server.deploy.Manifests.env;
import static dev.topo.server.deploy.Manifests.readSingle;
import static dev.topo.server.deploy.Manifests.resolvePort;
import static dev.topo.server.deploy.Manifests.servicePort;
import static dev.topo.server.deploy.Manifests.strings;
import static dev.topo.server.deploy.Manifests.texts;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import dev.topo.config.ConfigLoader;
import dev.topo.config.ServerConfig;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Checks the fields of {@code docker/k8s}, {@code docker/compose.yaml} and {@code docker/topologies} that a cluster
 * or an engine would only reject (or worse, accept and misbehave on) at deploy time: probe targets, grace period
 * versus drain, scrape annotations, selectors, and that every embedded server config binds with the real loader.
 * Surefire runs with the module directory as working directory, hence the {@code ../docker} paths.
 */
@Timeout(30)
class DeploymentManifestsTest {
    private static final Path DOCKER = Path.of("..", "docker");
    private static final Path K8S = DOCKER.resolve("k8s");
    /** The entrypoint's default config path; the ConfigMap must land exactly there. */
    private static final String IMAGE_CONFIG_PATH = "/etc/topo/topo.yaml";
    private static final Set<String> CONFIG_KEYS =
            Set.of("bind", "transport", "topology", "protocol", "limits", "drainTimeout", "admin");

    @Test
    @Timeout(10)
    void everyManifestIsOneNamedKubernetesObjectAndKustomizeListsThem() throws IOException {
        List<Path> files;
        try (Stream<Path> s = Files.list(K8S)) {
            files = s.filter(p -> p.toString().endsWith(".yaml")).sorted().collect(Collectors.toList());
        }
        assertTrue(files.size() >= 5, "expected configmap, deployment, service, job, kustomization: " + files);
        for (Path f : files) {
            JsonNode doc = readSingle(f);
            assertTrue(doc.path("apiVersion").isTextual(), f + ": apiVersion");
            assertTrue(doc.path("kind").isTextual(), f + ": kind");
            if (!doc.path("kind").asText().equals("Kustomization")) {
                assertTrue(doc.path("metadata").path("name").isTextual(), f + ": metadata.name");
            }
        }
        JsonNode kustomization = readSingle(K8S.resolve("kustomization.yaml"));
        List<String> resources = texts(kustomization.path("resources"));
        for (String r : resources) {
            assertTrue(Files.isRegularFile(K8S.resolve(r)), "kustomization lists a missing file: " + r);
        }
        assertTrue(resources.containsAll(List.of("configmap.yaml", "deployment.yaml", "service.yaml")), resources.toString());
    }

    @Test
    @Timeout(10)
    void configMapHoldsAServerConfigThatTheServerAccepts() throws IOException {
        JsonNode raw = YAML.readTree(configMapYaml());
        for (String key : CONFIG_KEYS) {
            assertFalse(raw.path(key).isMissingNode(), "ConfigMap topo.yaml lacks " + key);
        }
        assertTrue(raw.path("bind").has("host") && raw.path("bind").has("port"), "bind needs host and port");
        assertTrue(raw.path("admin").has("host") && raw.path("admin").has("port"), "admin needs host and port");
        assertTrue(raw.path("topology").has("kind"), "topology.kind");
        // Loopback admin would be unreachable for the kubelet's probes and for Prometheus.
        assertEquals("0.0.0.0", raw.path("admin").path("host").asText());

        ServerConfig config = ConfigLoader.parse(configMapYaml(), "k8s/configmap.yaml");
        assertEquals(raw.path("topology").path("kind").asText(), config.topology().kind().yamlName());
    }

    @Test
    @Timeout(10)
    void probesAskReadinessAndLivenessOnTheAdminPort() throws IOException {
        ServerConfig config = ConfigLoader.parse(configMapYaml(), "k8s/configmap.yaml");
        JsonNode container = serverContainer();
        int adminPort = config.admin().port();
        assertEquals(adminPort, containerPort(container, "admin"), "container port 'admin' vs admin.port");
        assertEquals(config.bind().port(), containerPort(container, "http"), "container port 'http' vs bind.port");

        Map<String, String> paths = Map.of("startupProbe", "/readyz", "readinessProbe", "/readyz",
                "livenessProbe", "/livez");
        for (String probe : List.of("startupProbe", "readinessProbe", "livenessProbe")) {
            JsonNode get = container.path(probe).path("httpGet");
            assertFalse(get.isMissingNode(), probe + " must be an httpGet probe");
            assertEquals(paths.get(probe), get.path("path").asText(), probe + " path (a draining pod is alive)");
            assertEquals(adminPort, resolvePort(container, get.path("port")), probe + " port");
        }
        // The image's HEALTHCHECK and --admin-port come from this variable.
        assertEquals(String.valueOf(adminPort), env(container, "TOPO_ADMIN_PORT"), "TOPO_ADMIN_PORT");
    }

    @Test
    @Timeout(10)
    void terminationGraceOutlastsPreStopPlusDrain() throws IOException {
        ServerConfig config = ConfigLoader.parse(configMapYaml(), "k8s/configmap.yaml");
        JsonNode pod = deployment().path("spec").path("template").path("spec");
        assertTrue(pod.path("terminationGracePeriodSeconds").isInt(), "terminationGracePeriodSeconds must be set");
        long grace = pod.path("terminationGracePeriodSeconds").asLong();

        long preStop = 0;
        JsonNode command = serverContainer().path("lifecycle").path("preStop").path("exec").path("command");
        if (command.size() == 2 && command.get(0).asText().equals("sleep")) {
            preStop = Long.parseLong(command.get(1).asText());
        }
        assertTrue(config.drainDelay().toSeconds() >= 3, "the server itself gives the endpoint controllers time: "
                + "drainDelay " + config.drainDelay());
        long needed = preStop + (long) Math.ceil((config.drainDelay().toMillis() + config.drainTimeout().toMillis())
                / 1000.0);
        assertTrue(grace > needed, "terminationGracePeriodSeconds " + grace + " must exceed preStop " + preStop
                + "s + drainDelay " + config.drainDelay() + " + drainTimeout " + config.drainTimeout());
    }

    @Test
    @Timeout(10)
    void everyContainerHasCpuAndMemoryRequestsAndLimits() throws IOException {
        Map<String, JsonNode> containers = Map.of(
                "deployment", serverContainer(),
                "job", jobContainer(),
                "distributed job", jobContainer("loadgen-distributed.yaml"));
        for (Map.Entry<String, JsonNode> e : containers.entrySet()) {
            JsonNode resources = e.getValue().path("resources");
            for (String kind : List.of("requests", "limits")) {
                for (String resource : List.of("cpu", "memory")) {
                    assertFalse(resources.path(kind).path(resource).isMissingNode(),
                            e.getKey() + ": resources." + kind + "." + resource);
                }
            }
            assertTrue(cpu(resources.path("limits").path("cpu")) >= cpu(resources.path("requests").path("cpu")),
                    e.getKey() + ": cpu limit below request");
            assertTrue(bytes(resources.path("limits").path("memory")) >= bytes(resources.path("requests").path("memory")),
                    e.getKey() + ": memory limit below request");
        }
    }

    @Test
    @Timeout(10)
    void prometheusScrapesMetricsOnTheAdminPort() throws IOException {
        ServerConfig config = ConfigLoader.parse(configMapYaml(), "k8s/configmap.yaml");
        JsonNode annotations = deployment().path("spec").path("template").path("metadata").path("annotations");
        assertEquals("true", annotations.path("prometheus.io/scrape").asText());
        assertEquals("/metrics", annotations.path("prometheus.io/path").asText());
        assertEquals(String.valueOf(config.admin().port()), annotations.path("prometheus.io/port").asText());
        // Prometheus annotations must be strings; an unquoted true would fail the API server's validation.
        assertTrue(annotations.path("prometheus.io/scrape").isTextual(), "scrape annotation must be quoted");
        assertTrue(annotations.path("prometheus.io/port").isTextual(), "port annotation must be quoted");
    }

    @Test
    @Timeout(10)
    void serviceAndDeploymentSelectTheServerPods() throws IOException {
        ServerConfig config = ConfigLoader.parse(configMapYaml(), "k8s/configmap.yaml");
        JsonNode deployment = deployment();
        Map<String, String> podLabels = strings(deployment.path("spec").path("template").path("metadata").path("labels"));
        Map<String, String> deploymentSelector = strings(deployment.path("spec").path("selector").path("matchLabels"));
        JsonNode service = readSingle(K8S.resolve("service.yaml"));
        assertEquals("Service", service.path("kind").asText());
        Map<String, String> serviceSelector = strings(service.path("spec").path("selector"));

        assertFalse(deploymentSelector.isEmpty(), "Deployment selector");
        assertFalse(serviceSelector.isEmpty(), "Service selector");
        assertTrue(podLabels.entrySet().containsAll(deploymentSelector.entrySet()),
                "Deployment selector " + deploymentSelector + " does not match pod labels " + podLabels);
        assertTrue(podLabels.entrySet().containsAll(serviceSelector.entrySet()),
                "Service selector " + serviceSelector + " does not match pod labels " + podLabels);

        JsonNode port = servicePort(service, "http");
        assertEquals(config.bind().port(), resolvePort(serverContainer(), port.path("targetPort")),
                "Service targetPort must reach bind.port");
    }

    @Test
    @Timeout(10)
    void configMapIsMountedWhereTheImageReadsItsConfig() throws IOException {
        String configMapName = readSingle(K8S.resolve("configmap.yaml")).path("metadata").path("name").asText();
        JsonNode pod = deployment().path("spec").path("template").path("spec");
        String volume = null;
        String file = null;
        for (JsonNode v : pod.path("volumes")) {
            if (v.path("configMap").path("name").asText().equals(configMapName)) {
                volume = v.path("name").asText();
                for (JsonNode item : v.path("configMap").path("items")) {
                    if (item.path("key").asText().equals("topo.yaml")) {
                        file = item.path("path").asText();
                    }
                }
            }
        }
        assertTrue(volume != null, "no volume refers to ConfigMap " + configMapName);
        assertEquals("topo.yaml", file, "ConfigMap item topo.yaml must be projected as topo.yaml");
        String mountPath = null;
        for (JsonNode m : serverContainer().path("volumeMounts")) {
            if (m.path("name").asText().equals(volume)) {
                mountPath = m.path("mountPath").asText();
            }
        }
        assertEquals(IMAGE_CONFIG_PATH, mountPath + "/" + file);
    }

    @Test
    @Timeout(10)
    void loadgenJobRunsTheLoadGeneratorAgainstTheService() throws IOException {
        loadJobAgainstTheService("loadgen-job.yaml");
    }

    /** A Job of {@code file} that runs {@code topo load} once, bounded in time, against the Service; its spec. */
    private static JsonNode loadJobAgainstTheService(String file) throws IOException {
        JsonNode job = readSingle(K8S.resolve(file));
        assertEquals("Job", job.path("kind").asText());
        JsonNode spec = job.path("spec");
        assertEquals("Never", spec.path("template").path("spec").path("restartPolicy").asText());
        assertTrue(spec.path("activeDeadlineSeconds").asInt() > 0, "a load Job must be bounded in time");

        JsonNode container = jobContainer(file);
        assertEquals(serverContainer().path("image").asText(), container.path("image").asText(),
                "the loadgen ships in the server's image");
        List<String> args = texts(container.path("args"));
        assertFalse(args.isEmpty(), "Job args");
        assertEquals("load", args.get(0), "the Job must run `topo load`");
        URI target = URI.create(args.stream().filter(a -> a.startsWith("http://")).findFirst()
                .orElseGet(() -> fail("no target URL in " + args)));

        JsonNode service = readSingle(K8S.resolve("service.yaml"));
        assertEquals(service.path("metadata").path("name").asText(), target.getHost(), "target host = Service name");
        assertEquals(servicePort(service, "http").path("port").asInt(), target.getPort(), "target port = Service port");
        assertTrue(args.contains("-d") || args.contains("--duration"), "a load run needs a duration");
        return spec;
    }

    /**
     * The indexed Job of a test split over pods: as many parts as pods, each taking its index from the Job, one
     * start for all, a fixed warm-up (each part measures the same window), and results printed for the merge.
     */
    @Test
    @Timeout(10)
    void distributedLoadgenJobRunsOnePartPerIndexFromOneStart() throws IOException {
        JsonNode spec = loadJobAgainstTheService("loadgen-distributed.yaml");
        assertEquals("Indexed", spec.path("completionMode").asText());
        int parts = spec.path("parallelism").asInt();
        assertTrue(parts >= 2, "parallelism: " + parts);
        assertEquals(parts, spec.path("completions").asInt(), "every part runs at once: completions = parallelism");
        assertEquals(0, spec.path("backoffLimit").asInt(), "a retried part would measure another window");

        JsonNode container = jobContainer("loadgen-distributed.yaml");
        List<String> args = texts(container.path("args"));
        assertEquals(String.valueOf(parts), args.get(args.indexOf("--segments") + 1), "--segments = parallelism");
        assertFalse(args.contains("--segment"), "the index comes from JOB_COMPLETION_INDEX");
        String startAt = args.get(args.indexOf("--start-at") + 1);
        Matcher ref = Pattern.compile("\\$\\((\\w+)\\)").matcher(startAt);
        assertTrue(ref.matches(), "--start-at from an env var: " + startAt);
        assertFalse(env(container, ref.group(1)).isBlank(), "--start-at's variable has a value");
        String warmup = args.get(args.indexOf("--warmup") + 1);
        assertTrue(Duration.parse("PT" + warmup.toUpperCase()).toSeconds() > 0, "a fixed warm-up: " + warmup);
        assertEquals("-", args.get(args.indexOf("--json") + 1), "each part prints its result for the merge");
        assertTrue(args.contains("--rate"), "an open-loop test: its schedule is what the parts split");
        assertFalse(args.contains("--max-p99") || args.contains("--max-error-rate"),
                "thresholds apply to the merged result, not to a part");
    }

    @Test
    @Timeout(10)
    void topologyFilesForMountingAreValidAndReachableFromOutside() throws IOException {
        List<Path> files;
        try (Stream<Path> s = Files.list(DOCKER.resolve("topologies"))) {
            files = s.filter(p -> p.toString().endsWith(".yaml")).sorted().collect(Collectors.toList());
        }
        Set<String> kinds = new java.util.TreeSet<>();
        for (Path f : files) {
            ServerConfig config = ConfigLoader.load(f);
            kinds.add(config.topology().kind().yamlName());
            assertEquals("0.0.0.0", config.admin().host(), f + ": admin must listen beyond the container's loopback");
            assertEquals("0.0.0.0", config.bind().host(), f + ": bind.host");
        }
        // The smoke test switches between two different topologies with these files.
        assertTrue(kinds.containsAll(Set.of("single-acceptor", "reuseport")), "topologies cover " + kinds);
    }

    @Test
    @Timeout(10)
    void composeSwitchesTopologyByOneVariableOrOneFileAndHidesLoadgenBehindAProfile() throws IOException {
        JsonNode services = readSingle(DOCKER.resolve("compose.yaml")).path("services");
        JsonNode server = services.path("server");
        JsonNode environment = server.path("environment");
        boolean passesTopology = environment.isArray()
                ? texts(environment).stream().anyMatch(e -> e.equals("TOPO_TOPOLOGY") || e.startsWith("TOPO_TOPOLOGY="))
                : environment.has("TOPO_TOPOLOGY");
        assertTrue(passesTopology, "server environment must pass TOPO_TOPOLOGY");
        List<String> volumes = texts(server.path("volumes"));
        String mount = volumes.stream().filter(v -> v.contains(":" + IMAGE_CONFIG_PATH)).findFirst()
                .orElseGet(() -> fail("no volume mounts " + IMAGE_CONFIG_PATH + ": " + volumes));
        // ${TOPO_CONFIG_FILE:-./topologies/x.yaml}: the default must exist relative to the compose file.
        Matcher m = Pattern.compile("\\$\\{[A-Z_]+:-([^}]+)}").matcher(mount);
        assertTrue(m.find(), "the mounted file should be one variable with a default: " + mount);
        Path defaultFile = DOCKER.resolve(m.group(1));
        ServerConfig config = ConfigLoader.load(defaultFile);

        assertEquals("docker/Dockerfile", server.path("build").path("dockerfile").asText());
        JsonNode args = server.path("build").path("args");
        assertTrue(args.has("BUILD_IMAGE") && args.has("RUNTIME_IMAGE"), "base images must be build args");
        Duration grace = Duration.ofSeconds(Long.parseLong(
                server.path("stop_grace_period").asText().replaceAll("s$", "")));
        assertTrue(grace.compareTo(config.drainTimeout()) > 0, "stop_grace_period must exceed drainTimeout");

        JsonNode loadgen = services.path("loadgen");
        assertFalse(loadgen.isMissingNode(), "compose needs a loadgen service");
        assertFalse(texts(loadgen.path("profiles")).isEmpty(), "loadgen must sit behind a profile");
        assertEquals("service_healthy", loadgen.path("depends_on").path("server").path("condition").asText());
        assertTrue(String.join(" ", texts(loadgen.path("command"))).contains("topo load http://server:8080/"),
                "loadgen must run topo load against the server service");
    }

    @Test
    @Timeout(10)
    void dockerfileKeepsTheContract() throws IOException {
        String dockerfile = Files.readString(DOCKER.resolve("Dockerfile"));
        for (String line : List.of("ARG BUILD_IMAGE=", "ARG RUNTIME_IMAGE=", "EXPOSE 8080 9090",
                "HEALTHCHECK", "ENTRYPOINT", "/etc/topo/topo.yaml", "topo-loadgen.jar", "MaxRAMPercentage")) {
            assertTrue(dockerfile.contains(line), "Dockerfile lacks " + line);
        }
        Matcher user = Pattern.compile("(?m)^USER\\s+(\\S+)").matcher(dockerfile);
        assertTrue(user.find(), "Dockerfile must drop root");
        assertFalse(user.group(1).startsWith("root") || user.group(1).startsWith("0"), "USER " + user.group(1));
    }

    // ---- helpers

    private static String configMapYaml() throws IOException {
        JsonNode cm = readSingle(K8S.resolve("configmap.yaml"));
        assertEquals("ConfigMap", cm.path("kind").asText());
        JsonNode yaml = cm.path("data").path("topo.yaml");
        assertTrue(yaml.isTextual(), "ConfigMap needs data.topo.yaml");
        return yaml.asText();
    }

    private static JsonNode deployment() throws IOException {
        JsonNode d = readSingle(K8S.resolve("deployment.yaml"));
        assertEquals("Deployment", d.path("kind").asText());
        return d;
    }

    private static JsonNode serverContainer() throws IOException {
        JsonNode containers = deployment().path("spec").path("template").path("spec").path("containers");
        assertEquals(1, containers.size(), "one container in the server pod");
        return containers.get(0);
    }

    private static JsonNode jobContainer() throws IOException {
        return jobContainer("loadgen-job.yaml");
    }

    private static JsonNode jobContainer(String file) throws IOException {
        JsonNode containers = readSingle(K8S.resolve(file))
                .path("spec").path("template").path("spec").path("containers");
        assertEquals(1, containers.size(), "one container in the loadgen pod");
        return containers.get(0);
    }

}
