package dev.tally.cli;

import dev.tally.cli.http.DaemonErrorException;
import java.io.IOException;
import dev.tally.cli.format.TerminalText;
import java.io.PrintStream;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Model.PositionalParamSpec;

/**
 * What every verb shares: its picocli command (declared in code, see
 * {@link ArgSpecs}) with a {@code --help} option, the root command's settings,
 * the standard streams, and the daemon API. {@link #call()} returns the process
 * exit code.
 */
public abstract class VerbCommand implements Callable<Integer> {

    private final CommandSpec spec = CommandSpec.wrapWithoutInspection(this);

    public VerbCommand(String name, String description) {
        spec.name(name);
        spec.usageMessage().description(description);
        ArgSpecs.addUsageHelp(spec);
    }

    /** One action on one container (or image) named on the command line. */
    protected interface PerName {
        void apply(String name) throws IOException;
    }

    /** The picocli command of this verb, to add to the root command. */
    public final CommandSpec spec() {
        return spec;
    }

    protected final OptionSpec flag(String description, String... names) {
        return ArgSpecs.flag(spec, description, names);
    }

    protected final OptionSpec option(Class<?> type, String paramLabel, String description, String... names) {
        return ArgSpecs.option(spec, type, paramLabel, description, names);
    }

    protected final OptionSpec optionWithDefault(String paramLabel, String defaultValue, String description, String... names) {
        return ArgSpecs.optionWithDefault(spec, paramLabel, defaultValue, description, names);
    }

    protected final OptionSpec repeatable(String paramLabel, String description, String... names) {
        return ArgSpecs.repeatable(spec, paramLabel, description, names);
    }

    protected final PositionalParamSpec parameter(String index, String arity, String paramLabel, String... description) {
        return ArgSpecs.parameter(spec, index, arity, paramLabel, description);
    }

    /** One or more container (or image) names, the verb's only positional parameters. */
    protected final PositionalParamSpec names(String paramLabel) {
        return ArgSpecs.parameters(spec, "0..*", "1..*", paramLabel);
    }

    /** The verb's name under the root, e.g. {@code stop} or {@code volume rm}. */
    protected String verb() {
        return ExitCodeMapper.verbName(spec.commandLine());
    }

    /** The root command this verb (or sub-verb) was invoked under. */
    protected TallyCli root() {
        CommandSpec command = spec.parent();
        while (!(command.userObject() instanceof TallyCli)) {
            command = command.parent();
        }
        return (TallyCli) command.userObject();
    }

    protected DaemonApi api() {
        return root().daemonApi();
    }

    protected StdStreams io() {
        return root().io();
    }

    protected PrintStream out() {
        return io().out();
    }

    protected PrintStream err() {
        return io().err();
    }

    /** Prints one line of human output with its control characters escaped ({@link TerminalText}). */
    protected void printLine(Object text) {
        out().println(TerminalText.escape(text));
    }

    /**
     * Applies the action to each name in turn, like docker: a daemon error for one
     * name is printed and the others are still tried. Returns 0 when all succeeded,
     * else 1. Other failures (e.g. the daemon is unreachable) stop at once.
     */
    protected int forEachName(List<String> names, PerName action) throws IOException {
        boolean failed = false;
        for (String name : names) {
            try {
                action.apply(name);
            } catch (DaemonErrorException e) {
                err().println("tally: " + verb() + ": " + TerminalText.escape(e.getMessage()));
                failed = true;
            }
        }
        return failed ? ExitCodeMapper.GENERAL_FAILURE : 0;
    }

    /**
     * A --since/--until value as the API's Unix timestamp, or null when not given.
     *
     * @throws CliException (exit 1) for a value that is no time
     */
    protected String apiTime(String value) {
        if (value == null) {
            return null;
        }
        try {
            return TimeArgument.toUnixSeconds(value, root().clock());
        } catch (IllegalArgumentException e) {
            throw new CliException(e.getMessage(), ExitCodeMapper.GENERAL_FAILURE);
        }
    }

    protected static String containerPath(String nameOrId) {
        return DaemonApi.containerPath(nameOrId);
    }
}
