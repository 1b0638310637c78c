package dev.tally.cli.verbs;

import dev.tally.cli.ArgSpecs;
import dev.tally.cli.VerbCommand;
import java.io.IOException;
import picocli.CommandLine.Model.PositionalParamSpec;

/** {@code tally logout}: remove a registry's credentials from the caller's {@code ~/.docker/config.json}. */
public final class LogoutCmd extends VerbCommand {

    private final PositionalParamSpec server = parameter("0", "0..1", "SERVER", "The registry (default: Docker Hub)");

    public LogoutCmd() {
        super("logout", "Log out from a registry");
    }

    @Override
    public Integer call() throws IOException {
        String address = ArgSpecs.value(server);
        String registry = address == null || address.isBlank() ? "docker.io" : LoginCmd.registryOfAddress(address);
        String key = DockerConfig.key(registry);
        if (DockerConfig.ofCaller().remove(registry)) {
            printLine("Removing login credentials for " + key);
        } else {
            printLine("Not logged in to " + key);
        }
        return 0;
    }
}
