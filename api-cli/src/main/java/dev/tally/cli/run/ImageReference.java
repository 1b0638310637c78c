package dev.tally.cli.run;

/** An image name as typed, split into repository and tag. */
public record ImageReference(String repository, String tag) {

    /** Splits {@code name[:tag]}; a colon inside the registry host part (before the last '/') is not a tag. */
    public static ImageReference parse(String text) {
        int lastSlash = text.lastIndexOf('/');
        int colon = text.lastIndexOf(':');
        if (colon > lastSlash && !text.contains("@")) {
            return new ImageReference(text.substring(0, colon), text.substring(colon + 1));
        }
        return new ImageReference(text, null);
    }

    /** The reference with {@code :latest} added when it has neither tag nor digest, as docker shows it. */
    static String withDefaultTag(String text) {
        ImageReference reference = parse(text);
        return reference.tag() == null && !text.contains("@") ? text + ":latest" : text;
    }
}
