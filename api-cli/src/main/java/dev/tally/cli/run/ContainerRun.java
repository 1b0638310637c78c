package dev.tally.cli.run;

import dev.tally.cli.CliException;
import dev.tally.cli.DaemonApi;
import dev.tally.cli.ExitCodeMapper;
import dev.tally.cli.StdStreams;
import dev.tally.cli.http.DaemonErrorException;
import java.io.IOException;
import java.util.Map;

/**
 * What {@code tally run} does once its command line is understood, by picocli
 * ({@link RunCmd}) or by the lean parser ({@link QuickRun}): create, start and
 * (unless detached) attach; the result is the container's exit status.
 */
final class ContainerRun {

    private ContainerRun() {
    }

    /**
     * @param daemon        the client for the daemon (TLS settings applied), made once the body is ready
     * @param callerEnv     the CLI's environment, for {@code -e NAME} without a value
     * @return the process exit code: the container's status, or 0 when detached
     */
    static int run(ContainerOptions options, boolean detach, java.util.function.Supplier<DaemonApi> daemon,
            StdStreams io, Map<String, String> callerEnv) throws IOException {
        int[] consoleSize = options.tty && io.terminal() ? TerminalMode.size() : null;
        Map<String, Object> body = options.toCreateBody(!detach, consoleSize, callerEnv);
        DaemonApi api = daemon.get();
        String id = ContainerCreation.create(api, io.err(), options.name, body);
        if (detach) {
            start(api, id);
            io.out().println(id);
            return 0;
        }
        return new AttachedRun(api, io)
                .run(id, options.tty, options.interactive, options.autoRemove, () -> start(api, id));
    }

    /** Starts the container; a refusal exits 127/126/125 by docker's convention. */
    private static void start(DaemonApi api, String id) throws IOException {
        try {
            api.post(DaemonApi.containerPath(id) + "/start");
        } catch (DaemonErrorException e) {
            throw new CliException(e.getMessage(), ExitCodeMapper.startFailureCode(e.getMessage()));
        }
    }
}
