package dev.tally.cli;

import dev.tally.cli.http.DaemonAddress;
import dev.tally.cli.http.HttpClient;
import java.io.OutputStreamWriter;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code tally}: the command-line client of tallyd. It speaks the Docker Engine
 * API over HTTP only. This is the root command; each verb is its own class.
 */
@Command(
        name = "tally",
        description = "A Docker-compatible container engine client.",
        subcommands = {
            RunCmd.class, CreateCmd.class, StartCmd.class, StopCmd.class, KillCmd.class, RestartCmd.class,
            RmCmd.class, WaitCmd.class, PsCmd.class, LogsCmd.class, InspectCmd.class, ImportCmd.class,
            ImagesCmd.class, EventsCmd.class, VersionCmd.class, InfoCmd.class
        })
public final class TallyCli implements Callable<Integer> {

    static final String VERSION = "0.1.0";

    @Option(names = {"-H", "--host"}, paramLabel = "URL",
            description = "Daemon address, unix:///path or tcp://host:port (default: $TALLY_HOST or "
                    + DaemonAddress.DEFAULT + ")")
    private String host;

    @Option(names = "--help", usageHelp = true, description = "Print usage")
    private boolean help;

    private final Map<String, String> env;
    private final StdStreams io;
    private final Clock clock;

    TallyCli(Map<String, String> env, StdStreams io, Clock clock) {
        this.env = env;
        this.io = io;
        this.clock = clock;
    }

    public static void main(String[] args) {
        StdStreams io = StdStreams.system();
        int code = execute(args, System.getenv(), io, Clock.systemDefaultZone());
        io.out().flush();
        io.err().flush();
        System.exit(code);
    }

    /** Runs one command line to completion and returns the process exit code; never throws. */
    static int execute(String[] args, Map<String, String> env, StdStreams io, Clock clock) {
        ExitCodeMapper failures = new ExitCodeMapper(io.err(), "1".equals(env.get("TALLY_DEBUG")));
        try {
            CommandLine commandLine = new CommandLine(new TallyCli(env, io, clock));
            commandLine.setOut(new PrintWriter(new OutputStreamWriter(io.out(), StandardCharsets.UTF_8), true));
            commandLine.setErr(new PrintWriter(new OutputStreamWriter(io.err(), StandardCharsets.UTF_8), true));
            commandLine.setExecutionExceptionHandler(failures);
            commandLine.setParameterExceptionHandler(failures);
            commandLine.getSubcommands().get("run").setStopAtPositional(true);
            commandLine.getSubcommands().get("create").setStopAtPositional(true);
            return commandLine.execute(args);
        } catch (RuntimeException | Error unexpected) {
            return failures.report("tally", unexpected);
        } finally {
            io.out().flush();
            io.err().flush();
        }
    }

    /** Without a verb: print usage, like docker. */
    @Override
    public Integer call() {
        CommandLine.usage(this, io.out());
        return 0;
    }

    /** The daemon address from -H, else TALLY_HOST, else the default socket. */
    String daemonAddress() {
        if (host != null && !host.isBlank()) {
            return host;
        }
        String fromEnv = env.get("TALLY_HOST");
        return fromEnv == null || fromEnv.isBlank() ? DaemonAddress.DEFAULT : fromEnv;
    }

    DaemonApi daemonApi() {
        try {
            return new DaemonApi(new HttpClient(DaemonAddress.parse(daemonAddress())));
        } catch (IllegalArgumentException badAddress) {
            throw new CliException(badAddress.getMessage(), ExitCodeMapper.GENERAL_FAILURE);
        }
    }

    Map<String, String> env() {
        return env;
    }

    StdStreams io() {
        return io;
    }

    Clock clock() {
        return clock;
    }
}
