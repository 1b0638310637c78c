package dev.tally.cli;

import com.fasterxml.jackson.jr.ob.JSON;
import dev.tally.cli.http.HijackedConnection;
import dev.tally.cli.http.HttpResponse;
import java.io.IOException;
import java.io.OutputStream;
import java.util.Map;

/**
 * Runs a created container with the CLI attached, in docker's order: attach
 * (hijacked connection) → wait request whose headers arrive at once → start →
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
        String container = VerbCommand.containerPath(id);
        String attachQuery = new QueryString()
                .add("stream", "1").add("stdout", "1").add("stderr", "1").addFlag("stdin", attachStdin).toString();
        String waitQuery = new QueryString().add("condition", autoRemove ? "removed" : "next-exit").toString();
        boolean terminal = tty && io.terminal();
        try (HijackedConnection attach = api.hijack(container + "/attach" + attachQuery);
             HttpResponse wait = api.stream("POST", container + "/wait" + waitQuery)) {
            TerminalMode.RawMode rawMode = terminal ? TerminalMode.enterRaw() : null;
            try {
                starter.start();
                if (terminal) {
                    resizeToTerminal(container);
                }
                if (attachStdin) {
                    pumpStdin(attach);
                }
                copyOutput(attach, tty);
            } finally {
                if (rawMode != null) {
                    rawMode.close();
                }
            }
            attach.close();
            return exitStatus(wait);
        }
    }

    private void copyOutput(HijackedConnection attach, boolean tty) throws IOException {
        if (tty) {
            OutputStream out = io.out();
            byte[] buffer = new byte[8 * 1024];
            int n;
            while ((n = attach.input().read(buffer)) >= 0) {
                out.write(buffer, 0, n);
                out.flush();
            }
        } else {
            StreamDemultiplexer.copy(attach.input(), io.out(), io.err());
        }
    }

    /**
     * Copies stdin to the container on a daemon thread and half-closes at its end.
     * A write failure means the container no longer reads; the output copy and
     * the exit status tell the rest, so the failure ends the copy silently.
     */
    private void pumpStdin(HijackedConnection attach) {
        Thread pump = new Thread(() -> {
            try {
                io.in().transferTo(attach.output());
                attach.closeWrite();
            } catch (IOException containerStoppedReading) {
                // nothing more to send
            }
        }, "tally-stdin");
        pump.setDaemon(true);
        pump.start();
    }

    private void resizeToTerminal(String container) {
        int[] size = TerminalMode.size();
        if (size == null) {
            return;
        }
        try {
            api.post(container + "/resize" + new QueryString()
                    .add("h", Integer.toString(size[0])).add("w", Integer.toString(size[1])));
        } catch (IOException notFatal) {
            // the container keeps its initial console size
        }
    }

    private static int exitStatus(HttpResponse wait) throws IOException {
        String text = wait.bodyText().trim();
        if (text.isEmpty()) {
            throw new CliException("the daemon did not report the container's exit status", ExitCodeMapper.RUN_FAILURE);
        }
        Map<String, Object> result = JSON.std.mapFrom(text);
        if (result.get("Error") instanceof Map<?, ?> error && error.get("Message") != null
                && !error.get("Message").toString().isEmpty()) {
            throw new CliException("error waiting for container: " + error.get("Message"), ExitCodeMapper.RUN_FAILURE);
        }
        if (!(result.get("StatusCode") instanceof Number status)) {
            throw new CliException("the daemon did not report the container's exit status", ExitCodeMapper.RUN_FAILURE);
        }
        return status.intValue();
    }
}
