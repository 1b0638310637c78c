package dev.tally.ops;

import static org.awaitility.Awaitility.await;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A real tallyd in its own process, on its own data root and socket, and the real CLI against it.
 * Tests get one through {@link BusyboxDaemon}, which starts it, imports busybox and cleans up.
 */
final class Daemon implements AutoCloseable {

    final Path root;
    final Path socket;
    private Process process;
    private final List<String> extraArgs = new ArrayList<>();
    /** The point the next launches halt at ({@code -Dtally.test.haltAt}); null for none. */
    private String haltAt;

    Daemon() throws IOException {
        DeadRuns.sweepOnce();
        root = Files.createTempDirectory(Path.of("/tmp"), DeadRuns.PREFIX);
        DeadRuns.own(root);
        // Remapped containers (every ordinary user's) need search permission on the data root's parents.
        Files.setPosixFilePermissions(root, java.nio.file.attribute.PosixFilePermissions.fromString("rwxr-xr-x"));
        socket = root.resolve("run/tally.sock");
    }

    /**
     * More tallyd flags for {@link #start()}, e.g. {@code --policy FILE}. With a {@code -H}, tallyd
     * serves only the listeners named, so the harness's socket is named too.
     */
    Daemon withArgs(String... args) {
        extraArgs.addAll(List.of(args));
        return this;
    }

    /**
     * Launches from now on halt at this point of the daemon's code, as a {@code kill -9} there would
     * (runtime-adapter's {@code HaltPoints}, e.g. {@code start.created}); null: they do not.
     */
    Daemon haltingAt(String point) {
        haltAt = point;
        return this;
    }

    /** Whether tallyd's process is gone (after a crash, a stop or a halt). */
    boolean ended() {
        return process == null || !process.isAlive();
    }

    /** Starts tallyd (again, after a crash or a stop) and waits until it serves; its output is appended to one log across starts. */
    Daemon start() throws IOException {
        launch();
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(100))
                .until(() -> !process.isAlive() || tally("version").code() == 0);
        if (!process.isAlive()) {
            throw new IllegalStateException("tallyd did not start: " + Files.readString(root.resolve("tallyd.log")));
        }
        return this;
    }

    /** Starts tallyd's process without waiting for it to serve (to kill it while it recovers). */
    void launch() throws IOException {
        List<String> cmd = new ArrayList<>(List.of(java(), "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1",
                "-Ddisable-axoniq-console-message=true"));
        // the store's settings a test run is given (-Dtally.store.upkeep=true …) reach the daemon too
        System.getProperties().stringPropertyNames().stream().filter(k -> k.startsWith("tally.store.")).sorted()
                .forEach(k -> cmd.add("-D" + k + "=" + System.getProperty(k)));
        if (haltAt != null) {
            cmd.add("-Dtally.test.haltAt=" + haltAt);
        }
        // its own temporary directory, so that a test can tell what this daemon left there
        Files.createDirectories(tmp());
        cmd.add("-Djava.io.tmpdir=" + tmp());
        cmd.addAll(List.of("-cp", System.getProperty("java.class.path"),
                "dev.tally.ops.Tallyd", "--data-root", root.resolve("data").toString(),
                "--exec-root", root.resolve("run").toString()));
        if (extraArgs.contains("-H")) {
            cmd.addAll(List.of("-H", "unix://" + socket));
        }
        cmd.addAll(extraArgs);
        process = new ProcessBuilder(cmd)
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(root.resolve("tallyd.log").toFile())).start();
    }

    /** The daemon's java.io.tmpdir. */
    Path tmp() {
        return root.resolve("tmp");
    }

    /** kill -9: no shutdown hook, nothing flushed that was not already committed. */
    void crash() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor(30, TimeUnit.SECONDS);
    }

    /** A clean stop (SIGTERM, shutdown hook): the store is closed and may be opened by another process. */
    void stop() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(60, TimeUnit.SECONDS)) {
            throw new IllegalStateException("tallyd did not stop within 60 s");
        }
    }

    String log() throws IOException {
        return Files.readString(root.resolve("tallyd.log"));
    }

    record Result(int code, String out, String err) {
    }

    /** The port of the daemon's first TCP listener, once its log announces it (after the socket's). */
    int tcpPort() throws IOException {
        java.util.regex.Pattern announced = java.util.regex.Pattern.compile("listening on tcp://[^ ]*:([0-9]+)");
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(100))
                .until(() -> !process.isAlive() || announced.matcher(log()).find());
        java.util.regex.Matcher m = announced.matcher(log());
        if (!m.find()) {
            throw new IllegalStateException("tallyd announced no TCP listener: " + log());
        }
        return Integer.parseInt(m.group(1));
    }

    /** The real tally CLI with only these arguments and this environment: no -H of the harness's own. */
    static Result tallyWith(Map<String, String> env, String... args) {
        List<String> cmd = new ArrayList<>(List.of(java(), "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-cp",
                System.getProperty("java.class.path"), "dev.tally.cli.TallyCli"));
        cmd.addAll(List.of(args));
        return exec(cmd, env);
    }

    /** The real docker CLI with this environment (DOCKER_HOST, DOCKER_TLS_VERIFY, DOCKER_CERT_PATH …) and stdin. */
    static Result dockerWith(Map<String, String> env, Path input, String... args) {
        List<String> cmd = new ArrayList<>(List.of("docker"));
        cmd.addAll(List.of(args));
        return exec(cmd, env, input);
    }

    /** tallyd run to its end (for flags and files it must refuse): exit code and everything it printed. */
    static Result tallydRefusing(Path root, String... flags) {
        List<String> cmd = new ArrayList<>(List.of(java(), "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1",
                "-Ddisable-axoniq-console-message=true", "-cp", System.getProperty("java.class.path"),
                "dev.tally.ops.Tallyd", "--data-root", root.resolve("data").toString(),
                "--exec-root", root.resolve("run").toString(), "-H", "unix://" + root.resolve("run/tally.sock")));
        cmd.addAll(List.of(flags));
        return exec(cmd, Map.of());
    }

    Result tally(String... args) {
        List<String> cmd = new ArrayList<>(List.of(java(), "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-cp",
                System.getProperty("java.class.path"), "dev.tally.cli.TallyCli", "-H", "unix://" + socket));
        cmd.addAll(List.of(args));
        return exec(cmd, Map.of());
    }

    Result docker(String... args) {
        return dockerWithInput(null, args);
    }

    Result dockerWithInput(Path input, String... args) {
        List<String> cmd = new ArrayList<>(List.of("docker"));
        cmd.addAll(List.of(args));
        return exec(cmd, Map.of("DOCKER_HOST", "unix://" + socket), input);
    }

    static Result exec(List<String> cmd, Map<String, String> env) {
        return exec(cmd, env, null);
    }

    /** Runs {@code cmd} with {@code input} (a file) as its stdin, or /dev/null. */
    static Result exec(List<String> cmd, Map<String, String> env, Path input) {
        try {
            ProcessBuilder pb = new ProcessBuilder(cmd).redirectInput(input == null ? new File("/dev/null") : input.toFile());
            pb.environment().putAll(env);
            Path out = Files.createTempFile("tally-it", ".out");
            Path err = Files.createTempFile("tally-it", ".err");
            Process p = pb.redirectOutput(out.toFile()).redirectError(err.toFile()).start();
            if (!p.waitFor(120, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new AssertionError("timed out: " + cmd);
            }
            Result r = new Result(p.exitValue(), Files.readString(out, StandardCharsets.UTF_8),
                    Files.readString(err, StandardCharsets.UTF_8));
            Files.delete(out);
            Files.delete(err);
            return r;
        } catch (IOException e) {
            throw new AssertionError("could not run " + cmd + ": " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        }
    }

    /** Imports busybox:latest, made from the host's busybox-static by the same script up.sh uses. */
    void importBusybox() throws IOException {
        Path tar = root.resolve("busybox.tar");
        Path script = Path.of(System.getProperty("user.dir")).resolve("busybox-rootfs.sh");
        Result made = exec(List.of("bash", script.toString(), tar.toString()), Map.of());
        if (made.code() != 0) {
            throw new IllegalStateException("busybox rootfs: " + made.err());
        }
        Result imported = tally("import", tar.toString(), "busybox:latest");
        if (imported.code() != 0) {
            throw new IllegalStateException("import: " + imported.err());
        }
    }

    private static String java() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    @Override
    public void close() throws Exception {
        for (String id : tally("ps", "-aq", "--no-trunc").out().split("\\s+")) {
            if (!id.isBlank()) {
                tally("rm", "-f", id);
            }
        }
        if (process != null) {
            process.destroy();
            process.waitFor(30, TimeUnit.SECONDS);
        }
        // What tallyd left of a container it was still removing when it stopped (a --rm container's rootfs mount:
        // one after ContainerOptionsIT in a CI run) goes with the root, as DeadRuns sweeps a dead run's, not at the next run.
        DeadRuns.sweepRoot(root);
    }
}
