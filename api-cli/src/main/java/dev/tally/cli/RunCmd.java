package dev.tally.cli;

import dev.tally.cli.http.DaemonErrorException;
import java.io.IOException;
import java.util.Map;
import picocli.CommandLine.Model.OptionSpec;

/**
 * {@code tally run}: create, start and (unless -d) attach to a container; the exit
 * code is the container's. Option parsing stops at IMAGE, so the rest is the command.
 */
final class RunCmd extends VerbCommand {

    private final ContainerFlags containerFlags = new ContainerFlags(spec());
    private final OptionSpec detachFlag = flag("Run container in background and print container ID",
            "-d", "--detach");

    RunCmd() {
        super("run", "Create and run a new container from an image");
    }

    @Override
    public Integer call() throws IOException {
        ContainerOptions options = containerFlags.parsed();
        boolean detach = ArgSpecs.isSet(detachFlag);
        int[] consoleSize = options.tty && io().terminal() ? TerminalMode.size() : null;
        Map<String, Object> body = options.toCreateBody(!detach, consoleSize, root().env());
        DaemonApi api = api();
        String id = ContainerCreation.create(api, err(), options.name, body);
        if (detach) {
            start(api, id);
            out().println(id);
            return 0;
        }
        return new AttachedRun(api, io())
                .run(id, options.tty, options.interactive, options.autoRemove, () -> start(api, id));
    }

    /** Starts the container; a refusal exits 127/126/125 by docker's convention. */
    private static void start(DaemonApi api, String id) throws IOException {
        try {
            api.post(containerPath(id) + "/start");
        } catch (DaemonErrorException e) {
            throw new CliException(e.getMessage(), ExitCodeMapper.startFailureCode(e.getMessage()));
        }
    }
}
