package dev.tally.cli.verbs;

import dev.tally.cli.ArgSpecs;
import dev.tally.cli.QueryString;
import dev.tally.cli.VerbCommand;
import dev.tally.cli.format.HumanSize;
import dev.tally.cli.http.HttpResponse;
import com.fasterxml.jackson.jr.ob.JSON;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Model.OptionSpec;

/** {@code tally image prune}: remove unused images (dangling ones, or all with -a) after asking, unless -f. */
final class ImagePruneCmd extends VerbCommand {

    private final OptionSpec all = flag("Remove all unused images, not just dangling ones", "-a", "--all");
    private final OptionSpec force = flag("Do not prompt for confirmation", "-f", "--force");
    private final OptionSpec filters = repeatable("FILTER", "Provide filter values (e.g. \"until=<timestamp>\")",
            "--filter");

    ImagePruneCmd() {
        super("prune", "Remove unused images");
    }

    @Override
    public Integer call() throws IOException {
        if (!ArgSpecs.isSet(force)) {
            out().print(ArgSpecs.isSet(all)
                    ? "WARNING! This will remove all images without at least one container associated to them.\n"
                    : "WARNING! This will remove all dangling images.\n");
            out().print("Are you sure you want to continue? [y/N] ");
            out().flush();
            String answer = new BufferedReader(new InputStreamReader(io().in(), StandardCharsets.UTF_8)).readLine();
            if (answer == null || !(answer.strip().equalsIgnoreCase("y") || answer.strip().equalsIgnoreCase("yes"))) {
                return 0;
            }
        }
        List<String> asked = new ArrayList<>(ArgSpecs.values(filters));
        if (ArgSpecs.isSet(all)) {
            asked.add("dangling=false");
        }
        Map<String, Object> answer;
        try (HttpResponse response = api().stream("POST", "/images/prune"
                + new QueryString().addIfPresent("filters", FilterArguments.toJson(asked)))) {
            answer = JSON.std.mapFrom(response.bodyText());
        }
        if (answer.get("ImagesDeleted") instanceof List<?> lines && !lines.isEmpty()) {
            printLine("Deleted Images:");
            RmiCmd.removals(lines).forEach(this::printLine);
            printLine("");
        }
        long reclaimed = answer.get("SpaceReclaimed") instanceof Number n ? n.longValue() : 0L;
        printLine("Total reclaimed space: " + HumanSize.decimal(reclaimed));
        return 0;
    }
}
