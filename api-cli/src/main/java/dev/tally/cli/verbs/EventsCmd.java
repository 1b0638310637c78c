package dev.tally.cli.verbs;

import dev.tally.cli.ArgSpecs;
import dev.tally.cli.QueryString;
import dev.tally.cli.VerbCommand;
import dev.tally.cli.format.EventLine;
import dev.tally.cli.format.JsonLines;
import dev.tally.cli.http.HttpResponse;
import java.io.IOException;
import picocli.CommandLine.Model.OptionSpec;

/**
 * {@code tally events}: print daemon events as they happen; without --until it
 * streams until the daemon closes the connection or Ctrl-C.
 */
public final class EventsCmd extends VerbCommand {

    private final OptionSpec since = option(String.class, "TIME", "Show all events created since timestamp", "--since");
    private final OptionSpec until = option(String.class, "TIME", "Stream events until this timestamp", "--until");
    private final OptionSpec filters = repeatable("KEY=VALUE", "Filter output based on conditions", "-f", "--filter");

    public EventsCmd() {
        super("events", "Get real time events from the server");
    }

    @Override
    public Integer call() throws IOException {
        String query = new QueryString()
                .addIfPresent("since", apiTime(ArgSpecs.value(since)))
                .addIfPresent("until", apiTime(ArgSpecs.value(until)))
                .addIfPresent("filters", FilterArguments.toJson(ArgSpecs.values(filters)))
                .toString();
        try (HttpResponse response = api().stream("GET", "/events" + query)) {
            JsonLines.forEach(response.body(), event -> {
                out().println(EventLine.format(event, root().clock().getZone()));
                out().flush();
            });
        }
        return 0;
    }
}
