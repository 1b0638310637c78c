package dev.tally.cli;

import picocli.CommandLine;

/** {@code tally volume}: manage volumes through its sub-verbs; alone, it prints its usage. */
final class VolumeCmd extends VerbCommand {

    VolumeCmd() {
        super("volume", "Manage volumes");
        add(new VolumeCreateCmd());
        add(new VolumeLsCmd());
        add(new VolumeInspectCmd());
        add(new VolumeRmCmd());
    }

    private void add(VerbCommand subVerb) {
        spec().addSubcommand(subVerb.spec().name(), new CommandLine(subVerb.spec()));
    }

    @Override
    public Integer call() {
        spec().commandLine().usage(out());
        return 0;
    }

    static String volumePath(String name) {
        return "/volumes/" + QueryString.pathSegment(name);
    }
}
