package dev.tally.cli;

import dev.tally.cli.http.DaemonErrorException;
import java.io.IOException;
import java.io.PrintStream;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/**
 * What every verb shares: the root command's settings, the standard streams,
 * and the daemon API. {@link #call()} returns the process exit code.
 */
abstract class VerbCommand implements Callable<Integer> {

    @ParentCommand
    TallyCli root;

    @Spec
    CommandSpec spec;

    @Option(names = "--help", usageHelp = true, description = "Print usage")
    boolean help;

    /** One action on one container (or image) named on the command line. */
    interface PerName {
        void apply(String name) throws IOException;
    }

    String verb() {
        return spec.name();
    }

    DaemonApi api() {
        return root.daemonApi();
    }

    StdStreams io() {
        return root.io();
    }

    PrintStream out() {
        return root.io().out();
    }

    PrintStream err() {
        return root.io().err();
    }

    /**
     * Applies the action to each name in turn, like docker: a daemon error for one
     * name is printed and the others are still tried. Returns 0 when all succeeded,
     * else 1. Other failures (e.g. the daemon is unreachable) stop at once.
     */
    int forEachName(List<String> names, PerName action) throws IOException {
        boolean failed = false;
        for (String name : names) {
            try {
                action.apply(name);
            } catch (DaemonErrorException e) {
                err().println("tally: " + verb() + ": " + e.getMessage());
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
    String apiTime(String value) {
        if (value == null) {
            return null;
        }
        try {
            return TimeArgument.toUnixSeconds(value, root.clock());
        } catch (IllegalArgumentException e) {
            throw new CliException(e.getMessage(), ExitCodeMapper.GENERAL_FAILURE);
        }
    }

    static String containerPath(String nameOrId) {
        return "/containers/" + QueryString.pathSegment(nameOrId);
    }
}
