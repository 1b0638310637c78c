package dev.tally.cli;

import dev.tally.cli.http.DaemonErrorException;
import java.io.IOException;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code tally run}: create, start and (unless -d) attach to a container; the exit
 * code is the container's. Option parsing stops at IMAGE, so the rest is the command.
 */
@Command(name = "run", description = "Create and run a new container from an image")
final class RunCmd extends VerbCommand {

    @Mixin
    ContainerOptions options;

    @Option(names = {"-d", "--detach"}, description = "Run container in background and print container ID")
    boolean detach;

    @Override
    public Integer call() throws IOException {
        int[] consoleSize = options.tty && io().terminal() ? TerminalMode.size() : null;
        Map<String, Object> body = options.toCreateBody(!detach, consoleSize, root.env());
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
