package dev.tally.cli;

import java.io.IOException;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** {@code tally create}: create a container without starting it and print its id. */
@Command(name = "create", description = "Create a new container")
final class CreateCmd extends VerbCommand {

    @Mixin
    ContainerOptions options;

    @Override
    public Integer call() throws IOException {
        int[] consoleSize = options.tty && io().terminal() ? TerminalMode.size() : null;
        Map<String, Object> body = options.toCreateBody(true, consoleSize, root.env());
        out().println(ContainerCreation.create(api(), err(), options.name, body));
        return 0;
    }
}
