package dev.tally.domain.container;

import java.util.List;

/** A process to open inside a running container. */
public record ExecSpec(List<String> cmd, boolean tty, String user, String workingDir, List<String> env) {

    public ExecSpec {
        cmd = cmd == null ? List.of() : List.copyOf(cmd);
        env = env == null ? List.of() : List.copyOf(env);
        user = user == null ? "" : user;
        workingDir = workingDir == null ? "" : workingDir;
    }
}
