package dev.tally.domain.container;

import java.io.InputStream;
import java.io.OutputStream;
import java.util.Optional;

/** A running exec: its streams (stderr is empty with a terminal) and its end. */
public interface ExecProcess {

    InputStream stdout();

    InputStream stderr();

    OutputStream stdin();

    /**
     * Blocks until the process ends; its exit code. When the runtime could not start the
     * command, docker's codes: 127 when it was not found, 126 when it could not be invoked.
     */
    int waitFor();

    /**
     * Once {@link #waitFor()} returned: the runtime's message when it could not start the
     * command at all (in docker's wording), else empty.
     */
    default Optional<String> startFailure() {
        return Optional.empty();
    }

    /** Sets the terminal's size of an exec with a TTY; ignored without one or for a size of 0. */
    default void resize(int height, int width) {
    }
}
