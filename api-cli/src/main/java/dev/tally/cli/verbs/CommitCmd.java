package dev.tally.cli.verbs;

import dev.tally.cli.ArgSpecs;
import dev.tally.cli.QueryString;
import dev.tally.cli.VerbCommand;
import dev.tally.cli.run.ImageReference;
import java.io.IOException;
import java.util.Map;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Model.PositionalParamSpec;

/** {@code tally commit CONTAINER [REPOSITORY[:TAG]]}: the container's changes as a new image; prints its id. */
public final class CommitCmd extends VerbCommand {

    private final OptionSpec author = option(String.class, "string", "Author (e.g., \"John Hannibal Smith <hannibal@a-team.com>\")",
            "-a", "--author");
    private final OptionSpec message = option(String.class, "string", "Commit message", "-m", "--message");
    private final OptionSpec change = repeatable("list", "Apply Dockerfile instruction to the created image", "-c",
            "--change");
    private final OptionSpec pause = pauseOption();
    private final PositionalParamSpec container = parameter("0", "1", "CONTAINER", "The container");
    private final PositionalParamSpec reference = parameter("1", "0..1", "REPOSITORY[:TAG]", "The name of the new image");

    public CommitCmd() {
        super("commit", "Create a new image from a container's changes");
    }

    /** {@code -p}, {@code --pause} (the default) or {@code --pause=false}, as the docker CLI takes it. */
    private OptionSpec pauseOption() {
        OptionSpec o = OptionSpec.builder("-p", "--pause").type(boolean.class).arity("0..1").defaultValue("true")
                .paramLabel("bool").description("Pause container during commit (default true)").build();
        spec().addOption(o);
        return o;
    }

    @Override
    public Integer call() throws IOException {
        QueryString q = new QueryString().add("container", ArgSpecs.value(container));
        String name = ArgSpecs.value(reference);
        if (name != null && !name.isEmpty()) {
            ImageReference ref = ImageReference.parse(name);
            q.add("repo", ref.repository()).addIfPresent("tag", ref.tag());
        }
        q.addIfPresent("comment", ArgSpecs.value(message)).addIfPresent("author", ArgSpecs.value(author));
        for (String c : ArgSpecs.values(change)) {
            q.add("changes", c);
        }
        if (Boolean.FALSE.equals(ArgSpecs.value(pause))) {
            q.add("pause", "0"); // as the docker CLI: absent means pause
        }
        Map<String, Object> answer = api().postJson("/commit" + q, null);
        printLine(answer.get("Id"));
        return 0;
    }
}
