package dev.tally.cli.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tally.cli.CliRun;
import dev.tally.cli.TallyCli;
import dev.tally.cli.http.FakeDaemon;
import dev.tally.cli.verbs.PullCmd;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;

/** The lean parser of {@code pull} and picocli's agree on every command line the lean one accepts. */
class QuickPullTest {

    private static final Map<String, String> ENV = Map.of("TALLY_HOST", "unix:///from/env.sock");

    @TempDir
    Path dir;

    private static final List<List<String>> ACCEPTED = List.of(
            List.of("pull", "busybox"),
            List.of("pull", "-q", "127.0.0.1:5000/team/app:v1"),
            List.of("pull", "--quiet", "app@sha256:0123"),
            List.of("pull", "busybox", "-q"),
            List.of("pull", "--platform", "linux/arm64/v8", "busybox"),
            List.of("pull", "--platform=linux/amd64", "-q", "busybox"),
            List.of("pull", "--platform=", "busybox"),
            List.of("-H", "unix:///other.sock", "pull", "-q", "busybox"),
            List.of("--host=tcp://127.0.0.1:2375", "pull", "busybox"));

    private static final List<List<String>> LEFT_TO_PICOCLI = List.of(
            List.of("pull"),
            List.of("pull", "-q"),
            List.of("pull", "--help"),
            List.of("pull", "-a", "busybox"),
            List.of("pull", "-qq", "busybox"),
            List.of("pull", "-q", "-q", "busybox"),
            List.of("pull", "busybox", "alpine"),
            List.of("pull", "--platform", "busybox"),
            List.of("pull", "--platform", "-q", "busybox"),
            List.of("pull", "--platform", "a", "--platform", "b", "busybox"),
            List.of("pull", "--", "busybox"),
            List.of("pull", "@names"),
            List.of("-Hunix:///x.sock", "pull", "busybox"),
            List.of("push", "busybox"));

    @Test
    void picocliParsesEveryAcceptedCommandLineTheSameWay() {
        for (List<String> args : ACCEPTED) {
            QuickRun.Pull quick = QuickRun.parsePull(args.toArray(String[]::new));
            assertNotNull(quick, "the lean path should take " + args);
            assertEquals(picocli(args), describe(TallyCli.daemonAddress(quick.host(), ENV), quick.image(),
                    quick.platform(), quick.quiet()), "for " + args);
        }
    }

    @Test
    void helpErrorsAndRareSpellingsAreLeftToPicocli() {
        for (List<String> args : LEFT_TO_PICOCLI) {
            assertNull(QuickRun.parsePull(args.toArray(String[]::new)), "picocli should take " + args);
        }
    }

    @Test
    void bothPathsAskTheDaemonAlikeAndPrintAlike() throws Exception {
        try (FakeDaemon daemon = FakeDaemon.start(dir)) {
            daemon.on("POST", "/images/create", exchange -> {
                exchange.startChunked(200, "application/json");
                exchange.chunk("{\"status\":\"Pulling from team/app\",\"id\":\"v1\"}\n");
                exchange.chunk("{\"status\":\"Pull complete\",\"progressDetail\":{},\"id\":\"0123456789ab\"}\n");
                exchange.chunk("{\"status\":\"Digest: sha256:feed\"}\n");
                exchange.endChunks();
            });
            for (String quiet : new String[] {"-q", "--platform=linux/amd64"}) {
                CliRun lean = run("-H", daemon.address(), "pull", quiet, "127.0.0.1:5000/team/app:v1");
                CliRun picocli = run("-H" + daemon.address(), "pull", quiet, "127.0.0.1:5000/team/app:v1");
                assertEquals(0, lean.exitCode(), lean.stderr());
                assertEquals(picocli.exitCode(), lean.exitCode());
                assertEquals(picocli.stdout(), lean.stdout());
                assertEquals(picocli.stderr(), lean.stderr());
            }
            List<FakeDaemon.Request> asked = daemon.requests();
            assertEquals(4, asked.size(), asked.toString());
            assertEquals(asked.get(1).target(), asked.get(0).target());
            assertEquals(asked.get(3).target(), asked.get(2).target());
            assertTrue(asked.get(2).target().contains("platform=linux%2Famd64"), asked.get(2).target());
        }
        try (FakeDaemon daemon = FakeDaemon.start(java.nio.file.Files.createDirectories(dir.resolve("failing")))) {
            daemon.on("POST", "/images/create", exchange -> {
                exchange.startChunked(200, "application/json");
                exchange.chunk("{\"errorDetail\":{\"message\":\"manifest unknown\"},\"error\":\"manifest unknown\"}\n");
                exchange.endChunks();
            });
            CliRun lean = run("-H", daemon.address(), "pull", "-q", "127.0.0.1:5000/team/app:v1");
            CliRun picocli = run("-H" + daemon.address(), "pull", "-q", "127.0.0.1:5000/team/app:v1");
            assertEquals(1, lean.exitCode(), lean.stderr());
            assertTrue(lean.stderr().contains("manifest unknown"), lean.stderr());
            assertEquals(picocli.exitCode(), lean.exitCode());
            assertEquals(picocli.stderr(), lean.stderr());
        }
    }

    private static CliRun run(String... args) {
        assertEquals(args[0].equals("-H"), QuickRun.parsePull(args) != null, List.of(args).toString());
        return CliRun.runWithoutEnv(args);
    }

    /** What picocli makes of the command line: daemon address, name, platform, quiet. */
    private static String picocli(List<String> args) {
        TallyCli root = new TallyCli(ENV, CliRun.discarded(), Clock.systemUTC());
        CommandSpec pull = new PullCmd().spec();
        CommandLine line = new CommandLine(root.spec());
        line.addSubcommand("pull", new CommandLine(pull));
        line.parseArgs(args.toArray(String[]::new));
        return describe(root.daemonAddress(), pull.positionalParameters().get(0).getValue(),
                pull.findOption("--platform").getValue(), pull.findOption("-q").getValue());
    }

    private static String describe(String address, Object image, Object platform, Object quiet) {
        return "address=" + address + "\nimage=" + image + "\nplatform=" + platform + "\nquiet="
                + Boolean.TRUE.equals(quiet);
    }
}
