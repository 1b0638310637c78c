package dev.tally.cli;

import picocli.CommandLine;

/** A verb that only holds sub-verbs ({@code tally volume ls}); alone, it prints its usage. */
public abstract class VerbGroup extends VerbCommand {

    public VerbGroup(String name, String description, VerbCommand... subVerbs) {
        super(name, description);
        for (VerbCommand subVerb : subVerbs) {
            spec().addSubcommand(subVerb.spec().name(), new CommandLine(subVerb.spec()));
        }
    }

    @Override
    public Integer call() {
        spec().commandLine().usage(out());
        return 0;
    }
}
