package dev.tally.cli.verbs;

import dev.tally.cli.QueryString;
import dev.tally.cli.VerbGroup;

/** {@code tally volume}: manage volumes through its sub-verbs. */
public final class VolumeCmd extends VerbGroup {

    public VolumeCmd() {
        super("volume", "Manage volumes", new VolumeCreateCmd(), new VolumeLsCmd(), new VolumeInspectCmd(),
                new VolumeRmCmd());
    }

    static String volumePath(String name) {
        return "/volumes/" + QueryString.pathSegment(name);
    }
}
