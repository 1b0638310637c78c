package dev.tally.cli;

import dev.tally.cli.http.DaemonAddress;
import java.io.OutputStreamWriter;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;

/**
 * {@code tally}: the command-line client of tallyd. It speaks the Docker Engine
 * API over HTTP only. This is the root command; each verb is its own class, added
 * by {@link Verbs}. Commands are declared in code (see {@link ArgSpecs}).
 */
public final class TallyCli implements Callable<Integer> {

    static final String VERSION = "0.1.0";

    private final CommandSpec spec = CommandSpec.wrapWithoutInspection(this);
    private final OptionSpec host = ArgSpecs.option(spec, String.class, "URL",
            "Daemon address, unix:///path or tcp://host:port (default: $TALLY_HOST or "
                    + DaemonAddress.DEFAULT + ")",
            "-H", "--host");
    private final Map<String, String> env;
    private final StdStreams io;
    private final Clock clock;

    TallyCli(Map<String, String> env, StdStreams io, Clock clock) {
        this.env = env;
        this.io = io;
        this.clock = clock;
        spec.name("tally");
        spec.usageMessage().description("A Docker-compatible container engine client.");
        ArgSpecs.addUsageHelp(spec);
    }

    public static void main(String[] args) {
        BackgroundWarmUp.start();
        StdStreams io = StdStreams.system();
        int code = execute(args, System.getenv(), io, new LocalClock());
        io.out().flush();
        io.err().flush();
        System.exit(code);
    }

    /** Runs one command line to completion and returns the process exit code; never throws. */
    static int execute(String[] args, Map<String, String> env, StdStreams io, Clock clock) {
        ExitCodeMapper failures = new ExitCodeMapper(io.err(), "1".equals(env.get("TALLY_DEBUG")));
        try {
            Integer quick = QuickRun.execute(args, env, io, failures);
            if (quick != null) {
                return quick;
            }
            CommandLine commandLine = new CommandLine(new TallyCli(env, io, clock).spec);
            Verbs.addTo(commandLine, args);
            commandLine.setOut(new PrintWriter(new OutputStreamWriter(io.out(), StandardCharsets.UTF_8), true));
            commandLine.setErr(new PrintWriter(new OutputStreamWriter(io.err(), StandardCharsets.UTF_8), true));
            commandLine.setExecutionExceptionHandler(failures);
            commandLine.setParameterExceptionHandler(failures);
            return commandLine.execute(args);
        } catch (RuntimeException | Error unexpected) {
            return failures.report("tally", unexpected);
        } finally {
            io.out().flush();
            io.err().flush();
        }
    }

    /** The root command, declared in code. */
    CommandSpec spec() {
        return spec;
    }

    /** Without a verb: print usage, like docker. */
    @Override
    public Integer call() {
        spec.commandLine().usage(io.out());
        return 0;
    }

    /** The daemon address from -H, else TALLY_HOST, else the default socket. */
    String daemonAddress() {
        return daemonAddress(ArgSpecs.value(host), env);
    }

    /** The daemon address from the -H value (null when not given), else TALLY_HOST, else the default socket. */
    static String daemonAddress(String fromOption, Map<String, String> env) {
        if (fromOption != null && !fromOption.isBlank()) {
            return fromOption;
        }
        String fromEnv = env.get("TALLY_HOST");
        return fromEnv == null || fromEnv.isBlank() ? DaemonAddress.DEFAULT : fromEnv;
    }

    DaemonApi daemonApi() {
        return DaemonApi.at(daemonAddress());
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
