package dev.tally.cli.verbs;

import dev.tally.cli.DaemonApi;
import java.io.IOException;

/** {@code tally restart}: stop then start each container, printing its name. */
public final class RestartCmd extends StopCmd {

    public RestartCmd() {
        super("restart", "Restart one or more containers");
    }

    @Override
    void afterStop(DaemonApi api, String name) throws IOException {
        api.post(containerPath(name) + "/start");
    }
}
