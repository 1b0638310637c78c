package dev.tally.rest.body;

import dev.tally.domain.container.ExecSpec;
import java.util.List;

/** The body of {@code POST /containers/{id}/exec}: the fields tally reads. */
public record ExecCreateBody(List<String> cmd, boolean tty, String user, String workingDir, List<String> env) {

    public ExecSpec spec() {
        return new ExecSpec(cmd, tty, user, workingDir, env);
    }
}
