package dev.tally.cli.run;

import dev.tally.cli.VerbCommand;
import java.io.IOException;
import java.util.Map;

/** {@code tally create}: create a container without starting it and print its id. */
public final class CreateCmd extends VerbCommand {

    private final ContainerFlags containerFlags = new ContainerFlags(spec());

    public CreateCmd() {
        super("create", "Create a new container");
    }

    @Override
    public Integer call() throws IOException {
        ContainerOptions options = containerFlags.parsed();
        int[] consoleSize = options.tty && io().terminal() ? TerminalMode.size() : null;
        Map<String, Object> body = options.toCreateBody(true, consoleSize, root().env());
        out().println(ContainerCreation.create(api(), err(), options.name, body));
        return 0;
    }
}
