package dev.tally.ops;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Real users on this host for the authorization tests, made idempotently (other test runs, and
 * other tests at the same time, may have made them already), and commands run as them.
 */
final class HostUsers {

    private HostUsers() {
    }

    /** Makes the group unless it exists. */
    static void group(String name) {
        ok(Daemon.exec(List.of("groupadd", "-f", name), Map.of()), "groupadd " + name);
    }

    /** Makes the user with a home and these supplementary groups, or adds the groups to an existing one. */
    static void user(String name, String groups) {
        if (Daemon.exec(List.of("id", "-u", name), Map.of()).code() != 0) {
            Daemon.Result made = Daemon.exec(List.of("useradd", "-m", "-G", groups, name), Map.of());
            if (made.code() != 0 && made.code() != 9) { // 9: made meanwhile by someone else
                throw new IllegalStateException("useradd " + name + ": " + made.err());
            }
        }
        ok(Daemon.exec(List.of("usermod", "-a", "-G", groups, name), Map.of()), "usermod " + name);
        ownGroupAndHome(name);
    }

    /**
     * An existing user made by hand may lack what useradd gives: a primary group of their own name (tests
     * chown files to NAME:NAME) and a home they own (tests run as them with HOME there). Mends both.
     */
    private static void ownGroupAndHome(String name) {
        group(name);
        String primary = Daemon.exec(List.of("id", "-gn", name), Map.of()).out().strip();
        if (!primary.equals(name)) {
            ok(Daemon.exec(List.of("usermod", "-g", name, name), Map.of()), "usermod -g " + name);
        }
        Path home = Path.of("/home", name);
        if (!Files.isDirectory(home)) {
            ok(Daemon.exec(List.of("install", "-d", "-m", "700", "-o", name, "-g", name, home.toString()), Map.of()),
                    "home of " + name);
        }
    }

    static int uid(String name) {
        return Integer.parseInt(Daemon.exec(List.of("id", "-u", name), Map.of()).out().strip());
    }

    /** Runs a command as the user, from /, with their home, and with only the given environment added. */
    static Daemon.Result as(String user, Map<String, String> env, List<String> command) {
        List<String> cmd = new ArrayList<>(List.of("runuser", "-u", user, "--", "env", "HOME=/home/" + user));
        env.forEach((k, v) -> cmd.add(k + "=" + v));
        cmd.addAll(command);
        try {
            ProcessBuilder pb = new ProcessBuilder(cmd).directory(Path.of("/").toFile())
                    .redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()));
            Path out = Files.createTempFile("tally-it", ".out");
            Path err = Files.createTempFile("tally-it", ".err");
            Process p = pb.redirectOutput(out.toFile()).redirectError(err.toFile()).start();
            if (!p.waitFor(120, java.util.concurrent.TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new AssertionError("timed out: " + cmd);
            }
            Daemon.Result r = new Daemon.Result(p.exitValue(), Files.readString(out, StandardCharsets.UTF_8),
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

    /** The docker CLI as the user, on the daemon's socket. */
    static Daemon.Result docker(Daemon daemon, String user, String... args) {
        List<String> cmd = new ArrayList<>(List.of("docker"));
        cmd.addAll(List.of(args));
        return as(user, Map.of("DOCKER_HOST", "unix://" + daemon.socket), cmd);
    }

    /**
     * The tally CLI's classes copied where any user can read them (the test's own class path lives
     * under /root and the worktree); returns the class path to use.
     */
    static String readableCliClassPath(Path dir) throws IOException {
        List<String> entries = new ArrayList<>();
        for (String entry : System.getProperty("java.class.path").split(":")) {
            boolean cli = entry.contains("api-cli") || entry.contains("picocli") || entry.contains("jackson-jr")
                    || entry.contains("jackson-core");
            if (!cli || entry.isBlank()) {
                continue;
            }
            Path source = Path.of(entry);
            Path target = dir.resolve(entries.size() + "-" + source.getFileName());
            ok(Daemon.exec(List.of("cp", "-r", source.toString(), target.toString()), Map.of()), "copy " + source);
            entries.add(target.toString());
        }
        ok(Daemon.exec(List.of("chmod", "-R", "a+rX", dir.toString()), Map.of()), "chmod " + dir);
        return String.join(":", entries);
    }

    private static void ok(Daemon.Result r, String what) {
        if (r.code() != 0) {
            throw new IllegalStateException(what + ": " + r.err());
        }
    }
}
