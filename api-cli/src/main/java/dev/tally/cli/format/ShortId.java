package dev.tally.cli.format;

/** Docker's short ids: the first 12 hex digits, without any {@code sha256:} prefix. */
public final class ShortId {

    private ShortId() {
    }

    public static String of(String id) {
        String hex = id.startsWith("sha256:") ? id.substring("sha256:".length()) : id;
        return hex.length() > 12 ? hex.substring(0, 12) : hex;
    }
}
