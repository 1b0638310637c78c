package dev.tally.cli.verbs;

import dev.tally.cli.ArgSpecs;
import dev.tally.cli.QueryString;
import dev.tally.cli.VerbCommand;
import dev.tally.cli.format.ContainerListing;
import java.io.IOException;
import java.util.List;
import picocli.CommandLine.Model.OptionSpec;

/** {@code tally ps}: list containers (running only, unless -a). */
public final class PsCmd extends VerbCommand {

    private final OptionSpec all = flag("Show all containers (default shows just running)", "-a", "--all");
    private final OptionSpec quiet = flag("Only display container IDs", "-q", "--quiet");
    private final OptionSpec filters = repeatable("KEY=VALUE", "Filter output based on conditions", "-f", "--filter");
    private final OptionSpec format = option(String.class, "TEMPLATE", "Format output using a template", "--format");
    private final OptionSpec noTrunc = flag("Don't truncate output", "--no-trunc");
    private final OptionSpec at = option(String.class, "TIME",
            "Show the containers as the log says they were at this time (admins only)", "--at");

    public PsCmd() {
        super("ps", "List containers");
    }

    @Override
    public Integer call() throws IOException {
        String when = apiTime(ArgSpecs.value(at));
        String query = new QueryString()
                .addFlag("all", ArgSpecs.isSet(all))
                .addIfPresent("filters", FilterArguments.toJson(ArgSpecs.values(filters)))
                .addIfPresent("at", when)
                .toString();
        List<Object> containers = api().getList("/containers/json" + query);
        // In the past, "2 seconds ago" is counted from that moment, as the daemon counts "Up 2 seconds".
        java.time.Clock clock = when == null ? root().clock()
                : java.time.Clock.fixed(unixSeconds(when), root().clock().getZone());
        ContainerListing listing = new ContainerListing(ArgSpecs.isSet(noTrunc), clock);
        for (String line : listing.render(containers, ArgSpecs.value(format), ArgSpecs.isSet(quiet))) {
            out().println(line);
        }
        return 0;
    }

    private static java.time.Instant unixSeconds(String value) {
        java.math.BigDecimal seconds = new java.math.BigDecimal(value);
        return java.time.Instant.ofEpochSecond(seconds.longValue(),
                seconds.remainder(java.math.BigDecimal.ONE).movePointRight(9).longValue());
    }
}
