package dev.tally.cli.verbs;

import dev.tally.cli.ArgSpecs;
import dev.tally.cli.QueryString;
import dev.tally.cli.VerbCommand;
import java.io.IOException;
import picocli.CommandLine.Model.PositionalParamSpec;

/** {@code tally revoke CONTAINER USER}: take back a user's grant on a container (admins only). */
public final class RevokeCmd extends VerbCommand {

    private final PositionalParamSpec container = parameter("0", "1", "CONTAINER");
    private final PositionalParamSpec user = parameter("1", "1", "USER");

    public RevokeCmd() {
        super("revoke", "Take back a user's grant on a container (admins only)");
    }

    @Override
    public Integer call() throws IOException {
        String name = ArgSpecs.value(container);
        api().delete("/tally/v1" + containerPath(name) + "/grants/" + QueryString.pathSegment(ArgSpecs.value(user)));
        printLine(name);
        return 0;
    }
}
