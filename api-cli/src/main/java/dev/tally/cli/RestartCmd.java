package dev.tally.cli;

import java.io.IOException;

/** {@code tally restart}: stop then start each container, printing its name. */
final class RestartCmd extends StopCmd {

    RestartCmd() {
        super("restart", "Restart one or more containers");
    }

    @Override
    void afterStop(DaemonApi api, String name) throws IOException {
        api.post(containerPath(name) + "/start");
    }
}
