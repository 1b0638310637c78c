package dev.tally.cli;

import java.io.BufferedOutputStream;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

/**
 * The process's standard streams, and whether it runs on an interactive terminal.
 * Output streams encode text as UTF-8.
 */
public record StdStreams(InputStream in, PrintStream out, PrintStream err, boolean terminal) {

    /** The real standard streams of this process. */
    public static StdStreams system() {
        PrintStream out = new PrintStream(
                new BufferedOutputStream(new FileOutputStream(FileDescriptor.out)), true, StandardCharsets.UTF_8);
        PrintStream err = new PrintStream(
                new BufferedOutputStream(new FileOutputStream(FileDescriptor.err)), true, StandardCharsets.UTF_8);
        return new StdStreams(System.in, out, err, System.console() != null);
    }
}
