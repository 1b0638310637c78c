package dev.tally.rest.body;

import java.util.List;

/** The body of {@code POST /exec/{id}/start}. {@code ConsoleSize} is {@code [height, width]}. */
public record ExecStartBody(boolean detach, boolean tty, List<Integer> consoleSize) {

    /** Whether the body gives a terminal size to set. */
    public boolean sized() {
        return consoleSize.size() == 2;
    }

    public int height() {
        return consoleSize.get(0);
    }

    public int width() {
        return consoleSize.get(1);
    }
}
