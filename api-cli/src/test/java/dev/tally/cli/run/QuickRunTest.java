package dev.tally.cli.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tally.cli.CliRun;
import dev.tally.cli.TallyCli;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine;

/** The lean parser of {@code run} and picocli's agree on every command line the lean one accepts. */
class QuickRunTest {

    private static final Map<String, String> ENV = Map.of("TALLY_HOST", "unix:///from/env.sock");

    @TempDir
    Path dir;

    /** Command lines the lean path takes. */
    private static final List<List<String>> ACCEPTED = List.of(
            List.of("run", "busybox"),
            List.of("run", "--rm", "busybox", "true"),
            List.of("run", "-d", "busybox", "sleep", "60"),
            List.of("run", "-it", "busybox", "sh"),
            List.of("run", "-ti", "--rm", "busybox"),
            List.of("run", "-dit", "busybox"),
            List.of("run", "-i", "-t", "--detach", "busybox"),
            List.of("run", "--interactive", "--tty", "busybox", "sh", "-c", "echo hi; exit 3"),
            List.of("run", "--name", "web", "-e", "A=1", "-e", "FROM_ENV", "--env", "B=2", "--env=C=3",
                    "busybox", "env"),
            List.of("run", "--name=web", "-w", "/tmp", "-u", "1000:1000", "--entrypoint", "/bin/sh",
                    "-h", "box", "busybox", "-c", "pwd"),
            List.of("run", "--workdir=/x", "--user=nobody", "--hostname", "h", "--entrypoint=", "busybox"),
            List.of("run", "-l", "a=b", "--label", "c", "--label=d=e", "-m", "64m", "--cpus", "0.5",
                    "--pids-limit", "10", "busybox"),
            List.of("run", "--memory=1g", "--cpus=2", "--pids-limit=-1", "busybox"),
            List.of("run", "--pids-limit", "-1", "busybox"),
            List.of("run", "--stop-signal", "SIGUSR1", "--stop-timeout", "5", "busybox"),
            List.of("run", "--stop-signal=HUP", "--stop-timeout=-1", "busybox"),
            List.of("run", "-v", "data:/data", "--volume", "/tmp:/host:ro", "--volume=x:/y", "--network", "none",
                    "busybox"),
            List.of("run", "--network=host", "-m", "lots", "busybox"),
            List.of("run", "--read-only", "--cap-drop", "ALL", "--cap-drop=chown", "--cap-add", "NET_BIND_SERVICE",
                    "--tmpfs", "/run:size=1m,mode=1777", "--tmpfs=/tmp", "busybox"),
            List.of("run", "--name", "", "busybox"),
            List.of("run", "busybox", "echo", "--rm", "-d", "--name", "x", "-it"),
            List.of("run", "busybox", "sh", "-c", "-"),
            List.of("-H", "unix:///other.sock", "run", "--rm", "busybox", "true"),
            List.of("--host", "tcp://127.0.0.1:2375", "run", "busybox"),
            List.of("--host=unix:///x.sock", "run", "-d", "busybox"));

    /** Command lines left to picocli: help, errors and rarer spellings. */
    private static final List<List<String>> LEFT_TO_PICOCLI = List.of(
            List.of(),
            List.of("run"),
            List.of("run", "--help"),
            List.of("run", "--rm"),
            List.of("run", "--bogus", "busybox"),
            List.of("run", "-x", "busybox"),
            List.of("run", "-itx", "busybox"),
            List.of("run", "-ie", "A=1", "busybox"),
            List.of("run", "-eA=1", "busybox"),
            List.of("run", "--rm", "--rm", "busybox"),
            List.of("run", "-it", "-i", "busybox"),
            List.of("run", "--name", "a", "--name", "b", "busybox"),
            List.of("run", "--name", "--rm", "busybox"),
            List.of("run", "--name"),
            List.of("run", "--rm=true", "busybox"),
            List.of("run", "--pids-limit", "ten", "busybox"),
            List.of("run", "--pids-limit", "0x10", "busybox"),
            List.of("run", "--stop-timeout", "ten", "busybox"),
            List.of("run", "--", "busybox"),
            List.of("run", "busybox", "echo", "--", "x"),
            List.of("run", "busybox", "echo", "@args"),
            List.of("run", "-e", "@vars", "busybox"),
            List.of("-H", "run", "busybox"),
            List.of("-Hunix:///x.sock", "run", "busybox"),
            List.of("--help", "run", "busybox"),
            List.of("create", "busybox"),
            List.of("ps"));

    @Test
    void picocliParsesEveryAcceptedCommandLineTheSameWay() {
        for (List<String> args : ACCEPTED) {
            QuickRun.Parsed quick = QuickRun.parse(args.toArray(String[]::new));
            assertNotNull(quick, "the lean path should take " + args);
            assertEquals(picocli(args), describe(TallyCli.daemonAddress(quick.host(), ENV), quick.options(),
                    quick.detach()), "for " + args);
        }
    }

    @Test
    void everyOptionOfRunIsKnownToTheLeanPathUnderEachOfItsNames() {
        RunCmd run = new RunCmd();
        List<List<String>> lines = new ArrayList<>();
        for (OptionSpec option : run.spec().options()) {
            if (option.usageHelp()) {
                continue;
            }
            for (String name : option.names()) {
                boolean flag = option.arity().max() == 0;
                String value = option.paramLabel().equals("N") ? "3" : "some-value";
                lines.add(flag ? List.of("run", name, "busybox") : List.of("run", name, value, "busybox"));
                if (!flag && name.startsWith("--")) {
                    lines.add(List.of("run", name + "=" + value, "busybox"));
                }
            }
        }
        assertTrue(lines.size() > 30, "RunCmd's options: " + lines);
        for (List<String> args : lines) {
            QuickRun.Parsed quick = QuickRun.parse(args.toArray(String[]::new));
            assertNotNull(quick, "the lean path should take " + args);
            assertEquals(picocli(args), describe(TallyCli.daemonAddress(quick.host(), ENV), quick.options(),
                    quick.detach()), "for " + args);
        }
    }

    @Test
    void helpErrorsAndRareSpellingsAreLeftToPicocli() {
        for (List<String> args : LEFT_TO_PICOCLI) {
            assertNull(QuickRun.parse(args.toArray(String[]::new)), "picocli should take " + args);
        }
    }

    @Test
    void bothPathsPrintTheSameMessageForABadFlagValue() {
        String absent = "unix://" + dir.resolve("absent.sock");
        String[] leanLine = {"run", "-m", "lots", "-e", "X=1", "busybox"};
        String[] picocliLine = {"run", "-m", "lots", "-eX=1", "busybox"};
        assertNotNull(QuickRun.parse(leanLine));
        assertNull(QuickRun.parse(picocliLine));
        CliRun quick = CliRun.run(absent, leanLine);
        CliRun picocli = CliRun.run(absent, picocliLine);

        assertEquals(125, quick.exitCode());
        assertEquals("tally: run: invalid argument \"lots\" for \"-m, --memory\" flag: invalid size: 'lots'\n",
                quick.stderr());
        assertEquals(quick.exitCode(), picocli.exitCode());
        assertEquals(quick.stderr(), picocli.stderr());
    }

    @Test
    void bothPathsReportAnAbsentDaemonAlike() {
        String absent = "unix://" + dir.resolve("absent.sock");
        String[] leanLine = {"run", "--rm", "busybox", "true"};
        String[] picocliLine = {"run", "--rm", "busybox", "true", "--"};
        assertNotNull(QuickRun.parse(leanLine));
        assertNull(QuickRun.parse(picocliLine));
        CliRun quick = CliRun.run(absent, leanLine);
        CliRun picocli = CliRun.run(absent, picocliLine);

        assertEquals(125, quick.exitCode(), quick.stderr());
        assertTrue(quick.stderr().startsWith("tally: "), quick.stderr());
        assertEquals(quick.exitCode(), picocli.exitCode());
        assertEquals(quick.stderr(), picocli.stderr());
    }

    @Test
    void aBareVersionTakesTheLeanPathAndAnythingMoreIsPicoclis() {
        for (String[] lean : new String[][] {{"version"}, {"-H", "unix:///x.sock", "version"},
                {"--host", "tcp://h:1", "version"}, {"--host=unix:///x.sock", "version"}}) {
            assertTrue(QuickRun.isPlainVersion(lean), List.of(lean).toString());
        }
        for (String[] picocli : new String[][] {{"version", "--help"}, {"version", "x"}, {"-Hunix:///x.sock", "version"},
                {"-H", "version"}, {"--help", "version"}, {"versions"}, {}, {"@args", "version"}}) {
            assertFalse(QuickRun.isPlainVersion(picocli), List.of(picocli).toString());
        }
    }

    @Test
    void bothPathsOfVersionPrintAlike() throws Exception {
        try (dev.tally.cli.http.FakeDaemon daemon = dev.tally.cli.http.FakeDaemon.start(dir)) {
            daemon.on("GET", "/version", exchange -> exchange.respondJson(200,
                    "{\"Version\":\"0.1.0\",\"ApiVersion\":\"1.50\",\"MinAPIVersion\":\"1.24\",\"Os\":\"linux\","
                            + "\"Arch\":\"amd64\",\"KernelVersion\":\"6.1\"}"));
            CliRun lean = runWithoutEnv("-H", daemon.address(), "version");
            CliRun picocli = runWithoutEnv("-H" + daemon.address(), "version");

            assertEquals(0, lean.exitCode(), lean.stderr());
            assertTrue(lean.stdout().contains("Server:\n Engine:\n  Version:          0.1.0\n"), lean.stdout());
            assertEquals(picocli.stdout(), lean.stdout());
            assertEquals(picocli.exitCode(), lean.exitCode());
        }
        String absent = "unix://" + dir.resolve("absent.sock");
        CliRun lean = runWithoutEnv("-H", absent, "version");
        CliRun picocli = runWithoutEnv("-H" + absent, "version");
        assertEquals(1, lean.exitCode());
        assertEquals(picocli.stderr(), lean.stderr());
        assertEquals(picocli.stdout(), lean.stdout());
    }

    private static CliRun runWithoutEnv(String... args) {
        return CliRun.runWithoutEnv(args);
    }

    /** What picocli makes of the command line: daemon address, every option, detach. */
    private static String picocli(List<String> args) {
        TallyCli root = new TallyCli(ENV, CliRun.discarded(), Clock.systemUTC());
        RunCmd run = new RunCmd();
        CommandLine line = new CommandLine(root.spec());
        line.addSubcommand("run", new CommandLine(run.spec()));
        line.parseArgs(args.toArray(String[]::new));
        return describe(root.daemonAddress(), run.parsedOptions(), run.parsedDetach());
    }

    private static String describe(String address, ContainerOptions o, boolean detach) {
        return String.join("\n", "address=" + address, "name=" + o.name, "env=" + o.env, "workdir=" + o.workdir,
                "user=" + o.user, "entrypoint=" + o.entrypoint, "hostname=" + o.hostname, "labels=" + o.labels,
                "memory=" + o.memory, "cpus=" + o.cpus, "pidsLimit=" + o.pidsLimit, "volumes=" + o.volumes,
                "network=" + o.network, "interactive=" + o.interactive, "tty=" + o.tty, "rm=" + o.autoRemove,
                "stopSignal=" + o.stopSignal, "stopTimeout=" + o.stopTimeout, "image=" + o.image, "command=" + o.command,
                "detach=" + detach);
    }
}
