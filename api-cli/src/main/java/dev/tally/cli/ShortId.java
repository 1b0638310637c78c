package dev.tally.cli;

/** Docker's short ids: the first 12 hex digits, without any {@code sha256:} prefix. */
final class ShortId {

    private ShortId() {
    }

    static String of(String id) {
        String hex = id.startsWith("sha256:") ? id.substring("sha256:".length()) : id;
        return hex.length() > 12 ? hex.substring(0, 12) : hex;
    }
}
