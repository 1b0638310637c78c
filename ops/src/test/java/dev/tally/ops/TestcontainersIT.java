package dev.tally.ops;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Testcontainers 1.21.4 and docker-java drive a real tallyd (issue 14): {@link TestcontainersCases}
 * and {@link DockerJavaCases}, once as root and once as alice, a non-admin member of group tally,
 * the user a shared CI runner's job runs as.
 *
 * <p>The cases run in a JVM of their own, started as that user ({@code runuser}) with the daemon's
 * socket as DOCKER_HOST: the daemon knows alice by the kernel's peer credentials of her own process,
 * exactly as it knows a CI job, with no relay or certificate standing in for her. (A JVM cannot
 * change its uid, and Testcontainers keeps one client per JVM, so two users need two JVMs anyway.)
 * Its class path is copied where alice may read it. Why Ryuk and the start-up checks are off, and why
 * the host is given, is said in {@link TestcontainersCases}.
 */
class TestcontainersIT {

    /** The classes run. */
    static final List<Class<?>> CASES = List.of(TestcontainersCases.class, TestcontainersCopyCases.class,
            DockerJavaCases.class);

    @BusyboxDaemon(beforeStart = SharedHostUsers.Made.class)
    private static Daemon daemon;
    private static String classPath;

    @BeforeAll
    static void aClassPathEveryUserCanRead() throws Exception {
        Path dir = Files.createDirectories(daemon.root.resolve("jvm-class-path"));
        List<String> entries = new ArrayList<>();
        for (String entry : System.getProperty("java.class.path").split(File.pathSeparator)) {
            Path source = Path.of(entry);
            if (entry.isBlank() || !Files.exists(source)) {
                continue;
            }
            Path target = dir.resolve(entries.size() + "-" + source.getFileName());
            assertEquals(0, Daemon.exec(List.of("cp", "-r", source.toString(), target.toString()), Map.of()).code());
            entries.add(target.toString());
        }
        assertEquals(0, Daemon.exec(List.of("chmod", "-R", "a+rX", dir.toString()), Map.of()).code());
        classPath = String.join(File.pathSeparator, entries);
    }

    @Test
    void asRoot() throws Exception {
        casesPassAs("root");
    }

    @Test
    void asANonAdminMemberOfGroupTally() throws Exception {
        casesPassAs("alice");
    }

    private static void casesPassAs(String user) throws Exception {
        Path home = Files.createDirectories(daemon.root.resolve("home-" + user));
        assertEquals(0, Daemon.exec(List.of("chown", user, home.toString()), Map.of()).code());
        Map<String, String> env = new LinkedHashMap<>();
        env.put("HOME", home.toString());
        env.put("DOCKER_HOST", "unix://" + daemon.socket);
        env.put("TESTCONTAINERS_RYUK_DISABLED", "true");
        env.put("TESTCONTAINERS_CHECKS_DISABLE", "true");
        env.put("TESTCONTAINERS_HOST_OVERRIDE", "localhost");
        List<String> cmd = new ArrayList<>(List.of("runuser", "-u", user, "--", "env"));
        env.forEach((k, v) -> cmd.add(k + "=" + v));
        cmd.addAll(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-XX:+UseSerialGC",
                "-XX:TieredStopAtLevel=1", "-Duser.home=" + home, "-cp", classPath, CasesLauncher.class.getName()));
        CASES.forEach(c -> cmd.add(c.getName()));
        Path out = Files.createTempFile(daemon.root, "cases-" + user, ".out");
        Process p = new ProcessBuilder(cmd).directory(home.toFile()).redirectErrorStream(true)
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                .redirectOutput(out.toFile()).start();
        if (!p.waitFor(10, TimeUnit.MINUTES)) {
            p.destroyForcibly();
            throw new AssertionError("the cases did not end within 10 minutes: " + Files.readString(out));
        }
        String report = Files.readString(out, StandardCharsets.UTF_8);
        assertEquals(0, p.exitValue(), "as " + user + ":\n" + report + "\n--- daemon log:\n" + tail(daemon.log()));
        assertTrue(report.contains("ALL PASSED"), report);
        Daemon.Result ps = daemon.docker("ps", "-aq");
        assertEquals("", ps.out(), "the cases left no container behind");
    }

    private static String tail(String log) {
        return log.length() < 20_000 ? log : log.substring(log.length() - 20_000);
    }
}
