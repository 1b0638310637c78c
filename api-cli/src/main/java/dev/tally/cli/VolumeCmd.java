package dev.tally.cli;

/** {@code tally volume}: manage volumes through its sub-verbs. */
final class VolumeCmd extends VerbGroup {

    VolumeCmd() {
        super("volume", "Manage volumes", new VolumeCreateCmd(), new VolumeLsCmd(), new VolumeInspectCmd(),
                new VolumeRmCmd());
    }

    static String volumePath(String name) {
        return "/volumes/" + QueryString.pathSegment(name);
    }
}
