package dev.tally.domain.container;

/**
 * What is known of one exec: for {@code GET /exec/{id}/json}. Exit code is null while it runs;
 * {@code error} says why when its exit code is unknown, and is empty otherwise.
 */
public record ExecSession(String id, String containerId, ExecSpec spec, boolean running, Integer exitCode,
                          String error) {

    public ExecSession(String id, String containerId, ExecSpec spec, boolean running, Integer exitCode) {
        this(id, containerId, spec, running, exitCode, "");
    }
}
