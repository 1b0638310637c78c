package dev.tally.cli.run;

import dev.tally.cli.DaemonApi;
import dev.tally.cli.QueryString;
import dev.tally.cli.StdStreams;
import dev.tally.cli.http.HijackedConnection;
import java.io.IOException;
import java.io.OutputStream;

/**
 * The CLI's side of a hijacked stream (run, start -a, attach, exec): the terminal
 * in raw mode when there is a TTY on a real terminal, stdin copied to the
 * daemon and half-closed at its end, and the output copied (demultiplexed unless
 * TTY) until the daemon closes the stream.
 */
final class HijackedSession {

    /** What to do once the terminal is set up, before copying (e.g. start the container). */
    interface Beginning {
        void begin() throws IOException;
    }

    private final StdStreams io;

    HijackedSession(StdStreams io) {
        this.io = io;
    }

    /** Whether the session puts the terminal in raw mode for a stream with this TTY setting. */
    boolean rawTerminal(boolean tty) {
        return tty && io.terminal();
    }

    /**
     * Copies both ways until the daemon ends the output; returns with the terminal restored.
     *
     * @param tty       whether the stream is a TTY (raw output, not multiplexed)
     * @param sendStdin whether to send the CLI's stdin, half-closing at its end
     */
    void run(HijackedConnection connection, boolean tty, boolean sendStdin, Beginning beginning)
            throws IOException {
        TerminalMode.RawMode rawMode = rawTerminal(tty) ? TerminalMode.enterRaw() : null;
        try {
            beginning.begin();
            if (sendStdin) {
                pumpStdin(connection);
            }
            copyOutput(connection, tty);
        } finally {
            if (rawMode != null) {
                rawMode.close();
            }
        }
    }

    /**
     * Asks the daemon to resize a TTY to the terminal's size now, and again whenever the
     * terminal's size changes (SIGWINCH), as docker does; a failure is not fatal.
     */
    static void resizeToTerminal(DaemonApi api, String resizePath) {
        resizeOnce(api, resizePath);
        try {
            sun.misc.Signal.handle(new sun.misc.Signal("WINCH"), signal -> resizeOnce(api, resizePath));
        } catch (IllegalArgumentException noSuchSignalHere) {
            // the TTY keeps the size it was given
        }
    }

    private static void resizeOnce(DaemonApi api, String resizePath) {
        int[] size = TerminalMode.size();
        if (size == null) {
            return;
        }
        try {
            api.post(resizePath + new QueryString()
                    .add("h", Integer.toString(size[0])).add("w", Integer.toString(size[1])));
        } catch (IOException notFatal) {
            // the TTY keeps its initial console size
        }
    }

    private void copyOutput(HijackedConnection connection, boolean tty) throws IOException {
        if (tty) {
            OutputStream out = io.out();
            byte[] buffer = new byte[8 * 1024];
            int n;
            while ((n = connection.input().read(buffer)) >= 0) {
                out.write(buffer, 0, n);
                out.flush();
            }
        } else {
            StreamDemultiplexer.copy(connection.input(), io.out(), io.err());
        }
    }

    /**
     * Copies stdin to the daemon on a daemon thread and half-closes at its end.
     * A write failure means the other side no longer reads; the output copy and
     * the exit status tell the rest, so the failure ends the copy silently.
     */
    private void pumpStdin(HijackedConnection connection) {
        Thread pump = new Thread(() -> {
            try {
                io.in().transferTo(connection.output());
                connection.closeWrite();
            } catch (IOException otherSideStoppedReading) {
                // nothing more to send
            }
        }, "tally-stdin");
        pump.setDaemon(true);
        pump.start();
    }
}
