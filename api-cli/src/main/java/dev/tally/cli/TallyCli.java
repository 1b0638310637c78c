package dev.tally.cli;

import dev.tally.cli.http.DaemonAddress;
import dev.tally.cli.http.HttpClient;
import dev.tally.cli.run.QuickRun;
import java.io.OutputStreamWriter;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine;

/**
 * {@code tally}: the command-line client of tallyd. It speaks the Docker Engine
 * API over HTTP only. This is the root command; each verb is its own class, added
 * by {@link Verbs}. Commands are declared in code (see {@link ArgSpecs}).
 */
public final class TallyCli implements Callable<Integer> {

    public static final String VERSION = "0.1.0";

    /**
     * Tells picocli not to look for Groovy's closure class, as its default factory does first: the
     * class is in none of the CLI's jars, so the class-data archive cannot hold the failed lookup,
     * and the class loader opened and searched every jar on each start that went through picocli
     * (the command lines {@code QuickRun} leaves to it: {@code images}, {@code ps}, {@code inspect} …).
     */
    static final String NO_GROOVY_CLOSURES = "picocli.disable.closures";

    private final CommandSpec spec = CommandSpec.wrapWithoutInspection(this);
    private final OptionSpec host = ArgSpecs.option(spec, String.class, "URL",
            "Daemon address, unix:///path or tcp://host:port (default: $TALLY_HOST or "
                    + DaemonAddress.DEFAULT + ")",
            "-H", "--host");
    private final OptionSpec tlsVerify = ArgSpecs.flag(spec,
            "Use mutual TLS and verify the daemon (default: $DOCKER_TLS_VERIFY set)", "--tlsverify");
    private final OptionSpec tlsCaCert = ArgSpecs.option(spec, String.class, "FILE",
            "Trust the daemon's certificate only when signed by this CA (default: $DOCKER_CERT_PATH/ca.pem)",
            "--tlscacert");
    private final OptionSpec tlsCert = ArgSpecs.option(spec, String.class, "FILE",
            "Client certificate, whose CN the daemon records as the user (default: $DOCKER_CERT_PATH/cert.pem)",
            "--tlscert");
    private final OptionSpec tlsKey = ArgSpecs.option(spec, String.class, "FILE",
            "Client key, PKCS#8 PEM (default: $DOCKER_CERT_PATH/key.pem)", "--tlskey");
    private final Map<String, String> env;
    private final StdStreams io;
    private final Clock clock;

    public TallyCli(Map<String, String> env, StdStreams io, Clock clock) {
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
    public static int execute(String[] args, Map<String, String> env, StdStreams io, Clock clock) {
        ExitCodeMapper failures = new ExitCodeMapper(io.err(), "1".equals(env.get("TALLY_DEBUG")));
        try {
            Integer quick = QuickRun.execute(args, env, io, failures);
            if (quick != null) {
                return quick;
            }
            System.setProperty(NO_GROOVY_CLOSURES, "true");
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
    public CommandSpec spec() {
        return spec;
    }

    /** Without a verb: print usage, like docker. */
    @Override
    public Integer call() {
        spec.commandLine().usage(io.out());
        return 0;
    }

    /** The daemon address from -H, else TALLY_HOST, else the default socket. */
    public String daemonAddress() {
        return daemonAddress(ArgSpecs.value(host), env);
    }

    /** The daemon address from the -H value (null when not given), else TALLY_HOST, else the default socket. */
    public static String daemonAddress(String fromOption, Map<String, String> env) {
        if (fromOption != null && !fromOption.isBlank()) {
            return fromOption;
        }
        String fromEnv = env.get("TALLY_HOST");
        return fromEnv == null || fromEnv.isBlank() ? DaemonAddress.DEFAULT : fromEnv;
    }

    public DaemonApi daemonApi() {
        try {
            DaemonAddress address = DaemonAddress.parse(daemonAddress());
            if (ArgSpecs.isSet(tlsVerify) || !env.getOrDefault("DOCKER_TLS_VERIFY", "").isEmpty()) {
                address = address.withTls(TlsSettings.of(ArgSpecs.value(tlsCaCert), ArgSpecs.value(tlsCert),
                        ArgSpecs.value(tlsKey), env));
            }
            return new DaemonApi(new HttpClient(address));
        } catch (IllegalArgumentException badAddress) {
            throw new CliException(badAddress.getMessage(), ExitCodeMapper.GENERAL_FAILURE);
        }
    }

    public Map<String, String> env() {
        return env;
    }

    public StdStreams io() {
        return io;
    }

    public Clock clock() {
        return clock;
    }
}
