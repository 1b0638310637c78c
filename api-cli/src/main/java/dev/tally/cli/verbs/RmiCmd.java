package dev.tally.cli.verbs;

import dev.tally.cli.ArgSpecs;
import dev.tally.cli.QueryString;
import dev.tally.cli.VerbCommand;
import dev.tally.cli.http.HttpResponse;
import java.io.IOException;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Model.PositionalParamSpec;
import com.fasterxml.jackson.jr.ob.JSON;

/** {@code tally rmi}: untag and remove images, printing Docker's {@code Untagged:} and {@code Deleted:} lines. */
public final class RmiCmd extends VerbCommand {

    private final OptionSpec force = flag("Force removal of the image", "-f", "--force");
    private final OptionSpec noPrune = flag("Do not delete untagged parents (tally keeps none)", "--no-prune");
    private final PositionalParamSpec images = names("IMAGE");

    public RmiCmd() {
        this("rmi");
    }

    /** As {@code rmi}, or {@code image rm}. */
    RmiCmd(String name) {
        super(name, "Remove one or more images");
    }

    @Override
    public Integer call() throws IOException {
        String query = new QueryString().addFlag("force", ArgSpecs.isSet(force))
                .addFlag("noprune", ArgSpecs.isSet(noPrune)).toString();
        return forEachName(ArgSpecs.values(images), name -> {
            try (HttpResponse answer = api().stream("DELETE", "/images/" + QueryString.pathSegment(name) + query)) {
                removals(JSON.std.listFrom(answer.bodyText())).forEach(this::printLine);
            }
        });
    }

    /** Each line of Docker's answer: {@code Untagged: REF} or {@code Deleted: ID}. */
    static List<String> removals(List<?> lines) {
        List<String> out = new java.util.ArrayList<>();
        for (Object line : lines) {
            if (line instanceof Map<?, ?> m) {
                if (m.get("Untagged") != null) {
                    out.add("Untagged: " + m.get("Untagged"));
                }
                if (m.get("Deleted") != null) {
                    out.add("Deleted: " + m.get("Deleted"));
                }
            }
        }
        return out;
    }
}
