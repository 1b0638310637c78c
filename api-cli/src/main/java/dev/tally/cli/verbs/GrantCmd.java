package dev.tally.cli.verbs;

import dev.tally.cli.ArgSpecs;
import dev.tally.cli.VerbCommand;
import java.io.IOException;
import java.util.Map;
import picocli.CommandLine.Model.PositionalParamSpec;

/** {@code tally grant CONTAINER USER}: let a host user see and act on a container (admins only). */
public final class GrantCmd extends VerbCommand {

    private final PositionalParamSpec container = parameter("0", "1", "CONTAINER");
    private final PositionalParamSpec user = parameter("1", "1", "USER");

    public GrantCmd() {
        super("grant", "Let a user see and act on a container they do not own (admins only)");
    }

    @Override
    public Integer call() throws IOException {
        String name = ArgSpecs.value(container);
        api().postJson("/tally/v1" + containerPath(name) + "/grants", Map.of("user", ArgSpecs.<String>value(user)));
        printLine(name);
        return 0;
    }
}
