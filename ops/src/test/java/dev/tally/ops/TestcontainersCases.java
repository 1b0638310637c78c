package dev.tally.ops;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.command.InspectContainerResponse;
import com.github.dockerjava.api.model.Bind;
import com.github.dockerjava.api.model.Container;
import com.github.dockerjava.api.model.Volume;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.containers.Container.ExecResult;
import org.testcontainers.containers.GenericContainer;
import org.testcontainers.containers.output.OutputFrame;
import org.testcontainers.containers.startupcheck.OneShotStartupCheckStrategy;
import org.testcontainers.containers.wait.strategy.Wait;
import org.testcontainers.utility.DockerImageName;

/**
 * What a Java project's test suite does with Testcontainers 1.21.4, against tallyd (issue 14).
 * Not run by itself: {@link TestcontainersIT} runs it in a JVM of the user under test (root, and a
 * non-admin member of group tally), with DOCKER_HOST at a real tallyd and:
 * <ul>
 * <li>Ryuk disabled ({@code TESTCONTAINERS_RYUK_DISABLED=true}): Testcontainers' reaper is a container
 * of the image testcontainers/ryuk, which it pulls; these machines pull nothing from the internet,
 * now or later (and tally cannot pull yet). Each case stops its containers itself instead.</li>
 * <li>start-up checks off ({@code TESTCONTAINERS_CHECKS_DISABLE=true}): they run an alpine image.</li>
 * <li>{@code TESTCONTAINERS_HOST_OVERRIDE=localhost}: inside a container (a /.dockerenv, as on
 * these machines) Testcontainers asks the daemon for network {@code bridge}'s gateway, and tally
 * has no bridge yet (404).</li>
 * </ul>
 * The only image is the imported busybox: nothing is pulled.
 */
class TestcontainersCases {

    static final DockerImageName BUSYBOX = DockerImageName.parse("busybox:latest");

    private static GenericContainer<?> longRunning;

    @BeforeAll
    static void aLongRunningContainerStartsOnceItsLogSaysReady() {
        longRunning = new GenericContainer<>(BUSYBOX)
                .withCommand("sh", "-c", "echo starting; echo ready; echo oops >&2; exec sleep 600")
                .withEnv("GREETING", "hello from tally")
                .withLabel("dev.tally.case", "long-running")
                .waitingFor(Wait.forLogMessage(".*ready.*\\n", 1).withStartupTimeout(Duration.ofSeconds(60)));
        longRunning.start();
    }

    @AfterAll
    static void stopIt() {
        if (longRunning != null) {
            longRunning.stop();
        }
    }

    @Test
    void theLongRunningContainerIsRunning() {
        assertTrue(longRunning.isRunning());
        InspectContainerResponse inspect = longRunning.getContainerInfo();
        assertEquals(Boolean.TRUE, inspect.getState().getRunning());
    }

    @Test
    void execGivesStdoutStderrAndTheExitCode() throws Exception {
        ExecResult r = longRunning.execInContainer("sh", "-c", "echo out; echo err >&2; exit 3");
        assertEquals("out\n", r.getStdout());
        assertEquals("err\n", r.getStderr());
        assertEquals(3, r.getExitCode());
        assertEquals(0, longRunning.execInContainer("true").getExitCode());
    }

    @Test
    void logsKeepStdoutAndStderrApart() {
        assertEquals("starting\nready\n", longRunning.getLogs(OutputFrame.OutputType.STDOUT));
        assertEquals("oops\n", longRunning.getLogs(OutputFrame.OutputType.STDERR));
    }

    @Test
    void envReachesTheProcess() throws Exception {
        assertEquals("hello from tally\n", longRunning.execInContainer("sh", "-c", "echo \"$GREETING\"").getStdout());
        assertTrue(longRunning.getContainerInfo().getConfig().getEnv() != null
                && List.of(longRunning.getContainerInfo().getConfig().getEnv()).contains("GREETING=hello from tally"));
    }

    @Test
    void labelsAreKeptAndFilterTheList() {
        DockerClient docker = DockerClientFactory.instance().client();
        Map<String, String> labels = longRunning.getContainerInfo().getConfig().getLabels();
        assertEquals("long-running", labels.get("dev.tally.case"));
        assertEquals("true", labels.get("org.testcontainers"), "Testcontainers' own labels: " + labels);
        List<Container> found = docker.listContainersCmd().withLabelFilter(Map.of("dev.tally.case", "long-running")).exec();
        assertEquals(List.of(longRunning.getContainerId()), found.stream().map(Container::getId).toList());
    }

    @Test
    void aOneShotContainerRunsToItsEnd() {
        try (GenericContainer<?> once = new GenericContainer<>(BUSYBOX)
                .withCommand("sh", "-c", "echo done")
                .withStartupCheckStrategy(new OneShotStartupCheckStrategy().withTimeout(Duration.ofSeconds(60)))) {
            once.start();
            assertEquals("done\n", once.getLogs());
            InspectContainerResponse.ContainerState state = DockerClientFactory.instance().client()
                    .inspectContainerCmd(once.getContainerId()).exec().getState();
            assertEquals(0L, state.getExitCodeLong());
        }
    }

    @Test
    void aNamedVolumeOutlivesTheContainerThatWroteIt() {
        DockerClient docker = DockerClientFactory.instance().client();
        String volume = "tc-" + UUID.randomUUID().toString().substring(0, 8);
        docker.createVolumeCmd().withName(volume).exec();
        try {
            try (GenericContainer<?> writer = oneShot(volume, "echo kept > /data/file")) {
                writer.start();
            }
            try (GenericContainer<?> reader = oneShot(volume, "cat /data/file")) {
                reader.start();
                assertEquals("kept\n", reader.getLogs());
            }
        } finally {
            docker.removeVolumeCmd(volume).exec();
        }
    }

    private static GenericContainer<?> oneShot(String volume, String script) {
        return new GenericContainer<>(BUSYBOX)
                .withCommand("sh", "-c", script)
                .withCreateContainerCmdModifier(cmd -> cmd.getHostConfig().withBinds(new Bind(volume, new Volume("/data"))))
                .withStartupCheckStrategy(new OneShotStartupCheckStrategy().withTimeout(Duration.ofSeconds(60)));
    }
}
