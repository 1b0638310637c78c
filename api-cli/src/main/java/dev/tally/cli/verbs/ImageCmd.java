package dev.tally.cli.verbs;

import dev.tally.cli.VerbGroup;

/** {@code tally image}: manage images through its sub-verbs. */
public final class ImageCmd extends VerbGroup {

    public ImageCmd() {
        super("image", "Manage images", new ImagesCmd("ls"), new ImageInspectCmd(), new HistoryCmd("history"),
                new TagCmd("tag"), new RmiCmd("rm"), new ImagePruneCmd());
    }
}
