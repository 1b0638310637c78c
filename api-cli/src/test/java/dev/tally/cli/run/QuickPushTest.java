package dev.tally.cli.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tally.cli.CliRun;
import dev.tally.cli.TallyCli;
import dev.tally.cli.http.FakeDaemon;
import dev.tally.cli.verbs.PushCmd;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;

/** The lean parser of {@code push} and picocli's agree on every command line the lean one accepts. */
class QuickPushTest {

    private static final Map<String, String> ENV = Map.of("TALLY_HOST", "unix:///from/env.sock");

    @TempDir
    Path dir;

    private static final List<List<String>> ACCEPTED = List.of(
            List.of("push", "busybox"),
            List.of("push", "-q", "127.0.0.1:5000/team/app:v1"),
            List.of("push", "--quiet", "team/app"),
            List.of("push", "team/app:v1", "-q"),
            List.of("-H", "unix:///other.sock", "push", "-q", "busybox"),
            List.of("--host=tcp://127.0.0.1:2375", "push", "busybox"));

    private static final List<List<String>> LEFT_TO_PICOCLI = List.of(
            List.of("push"),
            List.of("push", "-q"),
            List.of("push", "--help"),
            List.of("push", "-a", "busybox"),
            List.of("push", "-qq", "busybox"),
            List.of("push", "-q", "-q", "busybox"),
            List.of("push", "busybox", "alpine"),
            List.of("push", "--platform", "linux/amd64", "busybox"),
            List.of("push", "--platform=linux/amd64", "busybox"),
            List.of("push", "--", "busybox"),
            List.of("push", "@names"),
            List.of("-Hunix:///x.sock", "push", "busybox"),
            List.of("pull", "busybox"));

    @Test
    void picocliParsesEveryAcceptedCommandLineTheSameWay() {
        for (List<String> args : ACCEPTED) {
            QuickRun.Push quick = QuickRun.parsePush(args.toArray(String[]::new));
            assertNotNull(quick, "the lean path should take " + args);
            assertEquals(picocli(args), describe(TallyCli.daemonAddress(quick.host(), ENV), quick.image(),
                    quick.quiet()), "for " + args);
        }
    }

    @Test
    void helpErrorsAndRareSpellingsAreLeftToPicocli() {
        for (List<String> args : LEFT_TO_PICOCLI) {
            assertNull(QuickRun.parsePush(args.toArray(String[]::new)), "picocli should take " + args);
        }
    }

    /** A transfer rate as {@code TransferLines} prints it after the bytes ({@code HumanSize.decimal}, then "/s"). */
    private static final String RATE = ", [0-9.]+[kMGTPEZY]?B/s";

    @Test
    void bothPathsAskTheDaemonAlikeAndPrintAlike() throws Exception {
        try (FakeDaemon daemon = FakeDaemon.start(dir)) {
            daemon.on("POST", "/images/127.0.0.1:5000/team/app/push", exchange -> {
                exchange.startChunked(200, "application/json");
                exchange.chunk("{\"status\":\"The push refers to repository [127.0.0.1:5000/team/app]\"}\n");
                exchange.chunk("{\"status\":\"Preparing\",\"progressDetail\":{},\"id\":\"0123456789ab\"}\n");
                exchange.chunk("{\"status\":\"Pushing\",\"progressDetail\":{\"current\":1048576,\"total\":2097152},"
                        + "\"id\":\"0123456789ab\"}\n");
                exchange.chunk("{\"status\":\"Pushed\",\"progressDetail\":{},\"id\":\"0123456789ab\"}\n");
                exchange.chunk("{\"status\":\"v1: digest: sha256:feed size: 405\"}\n");
                exchange.endChunks();
            });
            for (String quiet : new String[] {"-q", "--quiet", null}) {
                CliRun lean = run(quiet, "-H", daemon.address(), "push", "127.0.0.1:5000/team/app:v1");
                CliRun picocli = run(quiet, "-H" + daemon.address(), "push", "127.0.0.1:5000/team/app:v1");
                assertEquals(0, lean.exitCode(), lean.stderr());
                assertEquals(picocli.exitCode(), lean.exitCode());
                // a rate is the bytes over the time this host took: the two runs' differ ("1.05GB/s", "1.02GB/s")
                assertEquals(picocli.stdout().replaceAll(RATE, ", RATE"), lean.stdout().replaceAll(RATE, ", RATE"));
                assertEquals(picocli.stderr(), lean.stderr());
                assertTrue(lean.stdout().contains(quiet == null ? "0123456789ab: Pushed 1.05MB, " : "127.0.0.1:5000/team/app:v1\n"),
                        lean.stdout());
                assertEquals(quiet == null, lean.stdout().matches("(?s).*Pushed 1\\.05MB" + RATE + "\n.*"), lean.stdout());
            }
            List<FakeDaemon.Request> asked = daemon.requests();
            assertEquals(6, asked.size(), asked.toString());
            for (FakeDaemon.Request request : asked) {
                assertEquals("/v1.50/images/127.0.0.1:5000/team/app/push?tag=v1", request.target());
            }
        }
        try (FakeDaemon daemon = FakeDaemon.start(Files.createDirectories(dir.resolve("failing")))) {
            daemon.on("POST", "/images/team/app/push", exchange -> {
                exchange.startChunked(200, "application/json");
                exchange.chunk("{\"errorDetail\":{\"message\":\"denied: no push to team/app\"},"
                        + "\"error\":\"denied: no push to team/app\"}\n");
                exchange.endChunks();
            });
            CliRun lean = run("-q", "-H", daemon.address(), "push", "team/app");
            CliRun picocli = run("-q", "-H" + daemon.address(), "push", "team/app");
            assertEquals(1, lean.exitCode(), lean.stderr());
            assertTrue(lean.stderr().contains("denied: no push to team/app"), lean.stderr());
            assertEquals("", lean.stdout());
            assertEquals(picocli.exitCode(), lean.exitCode());
            assertEquals(picocli.stdout(), lean.stdout());
            assertEquals(picocli.stderr(), lean.stderr());
            assertTrue(daemon.requests().get(0).target().endsWith("/images/team/app/push?tag=latest"),
                    daemon.requests().get(0).target());
        }
    }

    /** Runs the command line with the flag (if any) appended; -H and its address as one argument go to picocli. */
    private static CliRun run(String flag, String... args) {
        String[] line = flag == null ? args : java.util.stream.Stream.concat(List.of(args).stream(),
                java.util.stream.Stream.of(flag)).toArray(String[]::new);
        assertEquals(args[0].equals("-H"), QuickRun.parsePush(line) != null, List.of(line).toString());
        return CliRun.runWithoutEnv(line);
    }

    /** What picocli makes of the command line: daemon address, name, quiet. */
    private static String picocli(List<String> args) {
        TallyCli root = new TallyCli(ENV, CliRun.discarded(), Clock.systemUTC());
        CommandSpec push = new PushCmd().spec();
        CommandLine line = new CommandLine(root.spec());
        line.addSubcommand("push", new CommandLine(push));
        line.parseArgs(args.toArray(String[]::new));
        return describe(root.daemonAddress(), push.positionalParameters().get(0).getValue(),
                push.findOption("-q").getValue());
    }

    private static String describe(String address, Object image, Object quiet) {
        return "address=" + address + "\nimage=" + image + "\nquiet=" + Boolean.TRUE.equals(quiet);
    }
}
