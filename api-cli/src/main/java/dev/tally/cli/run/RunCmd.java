package dev.tally.cli.run;

import dev.tally.cli.ArgSpecs;
import dev.tally.cli.VerbCommand;
import java.io.IOException;
import picocli.CommandLine.Model.OptionSpec;

/**
 * {@code tally run}: create, start and (unless -d) attach to a container; the exit
 * code is the container's. Option parsing stops at IMAGE, so the rest is the command.
 * Common command lines never get here: {@link QuickRun} parses them without picocli;
 * this command takes the rest (--help, errors, unusual spellings) and must agree with it.
 */
public final class RunCmd extends VerbCommand {

    private final ContainerFlags containerFlags = new ContainerFlags(spec());
    private final OptionSpec detachFlag = flag("Run container in background and print container ID",
            "-d", "--detach");

    public RunCmd() {
        super("run", "Create and run a new container from an image");
    }

    /** The container's options as parsed by picocli. */
    ContainerOptions parsedOptions() {
        return containerFlags.parsed();
    }

    /** Whether -d was given, as parsed by picocli. */
    boolean parsedDetach() {
        return ArgSpecs.isSet(detachFlag);
    }

    @Override
    public Integer call() throws IOException {
        return ContainerRun.run(parsedOptions(), parsedDetach(), root()::daemonApi, io(), root().env());
    }
}
