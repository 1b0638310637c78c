package dev.tally.cli.verbs;

import dev.tally.cli.ArgSpecs;
import dev.tally.cli.QueryString;
import dev.tally.cli.VerbCommand;
import dev.tally.cli.run.ImageReference;
import java.io.IOException;
import picocli.CommandLine.Model.PositionalParamSpec;

/** {@code tally tag SOURCE TARGET}: point TARGET (a reference of the caller's own) at SOURCE's image. */
public final class TagCmd extends VerbCommand {

    private final PositionalParamSpec source = parameter("0", "1", "SOURCE_IMAGE[:TAG]", "The image");
    private final PositionalParamSpec target = parameter("1", "1", "TARGET_IMAGE[:TAG]", "The reference to point at it");

    public TagCmd() {
        this("tag");
    }

    /** As {@code tag}, or {@code image tag}. */
    TagCmd(String name) {
        super(name, "Create a tag TARGET_IMAGE that refers to SOURCE_IMAGE");
    }

    @Override
    public Integer call() throws IOException {
        String from = ArgSpecs.value(source);
        ImageReference to = ImageReference.parse(ArgSpecs.value(target));
        api().post("/images/" + QueryString.pathSegment(from) + "/tag"
                + new QueryString().add("repo", to.repository()).addIfPresent("tag", to.tag()));
        return 0;
    }
}
