package dev.tally.cli.run;

import java.io.IOException;
import java.nio.charset.StandardCharsets;

/**
 * The controlling terminal's mode and size, through {@code stty} on {@code /dev/tty}.
 * Only meaningful when the CLI runs on an interactive terminal.
 */
final class TerminalMode {

    private TerminalMode() {
    }

    /** Restores the terminal settings saved when raw mode was entered. Idempotent. */
    interface RawMode extends AutoCloseable {
        @Override
        void close();
    }

    /** The terminal's size as {rows, columns}, or null when it cannot be read. */
    static int[] size() {
        String output = stty("size");
        if (output == null) {
            return null;
        }
        String[] parts = output.trim().split("\\s+");
        if (parts.length != 2) {
            return null;
        }
        try {
            return new int[] {Integer.parseInt(parts[0]), Integer.parseInt(parts[1])};
        } catch (NumberFormatException e) {
            return null;
        }
    }

    /**
     * Switches the terminal to raw mode without echo and returns how to switch it
     * back. The previous settings are also restored if the JVM is interrupted.
     */
    static RawMode enterRaw() {
        String saved = stty("-g");
        String restoreArguments = saved == null || saved.isBlank() ? "sane" : saved.trim();
        stty("raw -echo");
        Thread restoreOnExit = new Thread(() -> stty(restoreArguments), "tally-terminal-restore");
        Runtime.getRuntime().addShutdownHook(restoreOnExit);
        return new RawMode() {
            private boolean restored;

            @Override
            public synchronized void close() {
                if (restored) {
                    return;
                }
                restored = true;
                stty(restoreArguments);
                try {
                    Runtime.getRuntime().removeShutdownHook(restoreOnExit);
                } catch (IllegalStateException shuttingDown) {
                    // the hook runs anyway, restoring the same settings again
                }
            }
        };
    }

    /** Runs {@code stty ARGS < /dev/tty} and returns its output, or null when it failed. */
    private static String stty(String arguments) {
        try {
            Process process = new ProcessBuilder("/bin/sh", "-c", "stty " + arguments + " < /dev/tty")
                    .redirectError(ProcessBuilder.Redirect.DISCARD)
                    .start();
            process.getOutputStream().close();
            String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            return process.waitFor() == 0 ? output : null;
        } catch (IOException e) {
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
    }
}
