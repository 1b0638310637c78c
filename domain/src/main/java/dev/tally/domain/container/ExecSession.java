package dev.tally.domain.container;

/** What is known of one exec: for {@code GET /exec/{id}/json}. Exit code is null while it runs. */
public record ExecSession(String id, String containerId, ExecSpec spec, boolean running, Integer exitCode) {
}
