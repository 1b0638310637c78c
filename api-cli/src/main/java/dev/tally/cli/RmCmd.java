package dev.tally.cli;

import java.io.IOException;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code tally rm}: remove containers and print their names. */
@Command(name = "rm", description = "Remove one or more containers")
final class RmCmd extends VerbCommand {

    @Option(names = {"-f", "--force"}, description = "Force the removal of a running container (uses SIGKILL)")
    boolean force;

    @Option(names = {"-v", "--volumes"}, description = "Remove anonymous volumes associated with the container")
    boolean volumes;

    @Parameters(arity = "1..*", paramLabel = "CONTAINER")
    List<String> containers;

    @Override
    public Integer call() throws IOException {
        DaemonApi api = api();
        String query = new QueryString().addFlag("force", force).addFlag("v", volumes).toString();
        return forEachName(containers, name -> {
            api.delete(containerPath(name) + query);
            out().println(name);
        });
    }
}
