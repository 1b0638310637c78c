package dev.tally.cli.run;

import dev.tally.cli.CliException;
import dev.tally.cli.DaemonApi;
import dev.tally.cli.ExitCodeMapper;
import dev.tally.cli.QueryString;
import dev.tally.cli.StdStreams;
import dev.tally.cli.http.HijackedConnection;
import dev.tally.cli.http.HttpClient;
import dev.tally.cli.http.HttpResponse;
import java.io.IOException;

/**
 * Runs a created container with the CLI attached, in docker's order: attach
 * (hijacked connection) and wait request, whose headers arrive at once → start →
 * copy the container's output until the daemon closes the attach connection →
 * read the wait body. Returns the container's exit status.
 */
final class AttachedRun {

    /** Starts the container; its failure ends the run without waiting. */
    interface Starter {
        void start() throws IOException;
    }

    private final DaemonApi api;
    private final StdStreams io;

    AttachedRun(DaemonApi api, StdStreams io) {
        this.api = api;
        this.io = io;
    }

    /**
     * @param tty         whether the container has a TTY (raw output, not multiplexed)
     * @param attachStdin whether to send the CLI's stdin to the container, half-closing at its end
     * @param autoRemove  whether the daemon removes the container on exit (waits for removal then)
     * @return the container's exit status
     * @throws CliException (exit 125) when the daemon reports a failure while waiting
     */
    int run(String id, boolean tty, boolean attachStdin, boolean autoRemove, Starter starter) throws IOException {
        String container = DaemonApi.containerPath(id);
        String waitQuery = new QueryString().add("condition", autoRemove ? "removed" : "next-exit").toString();
        HijackedSession session = new HijackedSession(io);
        // Both requests go out before either answer is read: the daemon prepares them side by side.
        HttpClient.SentRequest attaching = api.sendUpgrade(container + "/attach" + attachQuery(attachStdin));
        HttpClient.SentRequest waiting = null;
        try {
            waiting = api.send("POST", container + "/wait" + waitQuery);
        } finally {
            if (waiting == null) {
                attaching.abandon();
            }
        }
        HijackedConnection attach;
        try {
            attach = attaching.hijacked();
        } catch (IOException | RuntimeException e) {
            waiting.abandon();
            throw e;
        }
        try (attach; HttpResponse wait = waiting.response().expectSuccess()) {
            session.run(attach, tty, attachStdin, () -> {
                starter.start();
                if (session.rawTerminal(tty)) {
                    HijackedSession.resizeToTerminal(api, container + "/resize");
                }
            });
            attach.close();
            return WaitStatus.read(wait.bodyText(), ExitCodeMapper.RUN_FAILURE);
        }
    }

    /** The query of docker's attach request: always stdout and stderr, stdin when it is sent. */
    static String attachQuery(boolean attachStdin) {
        return new QueryString()
                .add("stream", "1").add("stdout", "1").add("stderr", "1").addFlag("stdin", attachStdin).toString();
    }
}
