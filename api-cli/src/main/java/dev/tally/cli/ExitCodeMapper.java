package dev.tally.cli;

import dev.tally.cli.format.TerminalText;
import dev.tally.cli.http.DaemonErrorException;
import dev.tally.cli.http.DaemonUnreachableException;
import java.io.PrintStream;
import java.util.Locale;
import java.util.Set;
import picocli.CommandLine;
import picocli.CommandLine.IExecutionExceptionHandler;
import picocli.CommandLine.IParameterExceptionHandler;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ParseResult;

/**
 * The one place where failures become a line on stderr and an exit code.
 * run and create use Docker's 125 for failures of the CLI or daemon (so that
 * container exit codes stay distinguishable); other verbs use 1. Stack traces
 * are printed only when TALLY_DEBUG=1.
 */
public final class ExitCodeMapper implements IExecutionExceptionHandler, IParameterExceptionHandler {

    public static final int GENERAL_FAILURE = 1;
    /** docker's exit code (sysexits' EX_USAGE) for a --format template that does not parse. */
    public static final int BAD_TEMPLATE = 64;
    public static final int RUN_FAILURE = 125;
    static final int CANNOT_INVOKE = 126;
    public static final int NOT_FOUND = 127;

    private static final Set<String> CONTAINER_STARTING_VERBS = Set.of("run", "create");
    /** Verbs whose exit code is a verdict (0, 1, 2): their own failures use 125 to stay apart from it. */
    private static final Set<String> VERDICT_VERBS = Set.of("audit verify");

    private final PrintStream err;
    private final boolean debug;

    ExitCodeMapper(PrintStream err, boolean debug) {
        this.err = err;
        this.debug = debug;
    }

    /** The exit code for a failure of the CLI itself (not of the container) during {@code verb}. */
    static int failureCode(String verb) {
        return CONTAINER_STARTING_VERBS.contains(verb) || VERDICT_VERBS.contains(verb) ? RUN_FAILURE : GENERAL_FAILURE;
    }

    /** Docker's convention when a container's process could not be started: 127 not found, 126 not executable. */
    public static int startFailureCode(String message) {
        String lower = message.toLowerCase(Locale.ROOT);
        if (lower.contains("executable file not found") || lower.contains("no such file or directory")) {
            return NOT_FOUND;
        }
        if (lower.contains("permission denied")) {
            return CANNOT_INVOKE;
        }
        return RUN_FAILURE;
    }

    @Override
    public int handleExecutionException(Exception failure, CommandLine commandLine, ParseResult parseResult) {
        return report(verbName(commandLine), failure);
    }

    @Override
    public int handleParseException(ParameterException failure, String[] args) {
        CommandLine commandLine = failure.getCommandLine();
        String verb = verbName(commandLine);
        boolean root = commandLine.getParent() == null;
        err.println(root ? "tally: " + TerminalText.escape(failure.getMessage())
                : "tally: " + verb + ": " + TerminalText.escape(failure.getMessage()));
        err.println(root ? "See 'tally --help'." : "See 'tally " + verb + " --help'.");
        printTraceIfDebugging(failure);
        return root ? GENERAL_FAILURE : failureCode(verb);
    }

    /** The command's name under the root, e.g. {@code stop} or {@code volume rm}. */
    static String verbName(CommandLine commandLine) {
        String qualified = commandLine.getCommandSpec().qualifiedName();
        int space = qualified.indexOf(' ');
        return space < 0 ? qualified : qualified.substring(space + 1);
    }

    /** Prints one line for the failure and returns the exit code. */
    public int report(String verb, Throwable failure) {
        printTraceIfDebugging(failure);
        if (failure instanceof CliException cli) {
            printLine(verb, cli.getMessage());
            return cli.exitCode();
        }
        if (failure instanceof DaemonUnreachableException) {
            err.println("tally: " + TerminalText.escape(failure.getMessage()));
            return failureCode(verb);
        }
        if (failure instanceof DaemonErrorException) {
            printLine(verb, failure.getMessage());
            return failureCode(verb);
        }
        String message = failure.getMessage();
        printLine(verb, message == null || message.isBlank() ? failure.getClass().getSimpleName() : message);
        return failureCode(verb);
    }

    /** Never nothing: a failure without a message still says that it failed. */
    private void printLine(String verb, String message) {
        err.println("tally: " + verb + ": "
                + (message == null || message.isBlank() ? "failed without a message" : TerminalText.escape(message)));
    }

    private void printTraceIfDebugging(Throwable failure) {
        if (!debug) {
            return;
        }
        for (Throwable t = failure; t != null; t = t.getCause()) {
            err.println((t == failure ? "" : "Caused by: ") + t);
            for (StackTraceElement frame : t.getStackTrace()) {
                err.println("\tat " + frame);
            }
        }
    }
}
