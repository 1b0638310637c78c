package dev.tally.domain.container;

import java.io.InputStream;
import java.io.OutputStream;

/** A running exec: its streams (stderr is empty with a terminal) and its end. */
public interface ExecProcess {

    InputStream stdout();

    InputStream stderr();

    OutputStream stdin();

    /** Blocks until the process ends; its exit code. */
    int waitFor();
}
