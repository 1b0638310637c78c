package dev.tally.cli;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code tally ps}: list containers (running only, unless -a). */
@Command(name = "ps", description = "List containers")
final class PsCmd extends VerbCommand {

    @Option(names = {"-a", "--all"}, description = "Show all containers (default shows just running)")
    boolean all;

    @Option(names = {"-q", "--quiet"}, description = "Only display container IDs")
    boolean quiet;

    @Option(names = {"-f", "--filter"}, paramLabel = "KEY=VALUE", description = "Filter output based on conditions")
    List<String> filters = new ArrayList<>();

    @Option(names = "--format", paramLabel = "TEMPLATE", description = "Format output using a template")
    String format;

    @Option(names = "--no-trunc", description = "Don't truncate output")
    boolean noTrunc;

    @Override
    public Integer call() throws IOException {
        String query = new QueryString()
                .addFlag("all", all)
                .addIfPresent("filters", FilterArguments.toJson(filters))
                .toString();
        List<Object> containers = api().getList("/containers/json" + query);
        ContainerListing listing = new ContainerListing(noTrunc, root.clock().instant(), root.clock().getZone());
        for (String line : listing.render(containers, format, quiet)) {
            out().println(line);
        }
        return 0;
    }
}
