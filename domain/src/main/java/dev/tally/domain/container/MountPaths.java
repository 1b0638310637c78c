package dev.tally.domain.container;

/** Mount paths as dockerd compares them. */
public final class MountPaths {

    private MountPaths() {
    }

    /**
     * The path a mount path names (Go's {@code path.Clean}, which dockerd compares targets by): repeated
     * and trailing slashes, {@code .} and {@code ..} resolved by name ({@code /a/../b/./} is {@code /b},
     * and {@code ..} at the root stays there).
     */
    public static String cleaned(String path) {
        boolean rooted = path.startsWith("/");
        java.util.ArrayDeque<String> parts = new java.util.ArrayDeque<>();
        for (String part : path.split("/")) {
            if (part.isEmpty() || part.equals(".")) {
                continue;
            }
            if (!part.equals("..")) {
                parts.addLast(part);
            } else if (!parts.isEmpty() && !parts.peekLast().equals("..")) {
                parts.pollLast();
            } else if (!rooted) {
                parts.addLast(part);
            }
        }
        String joined = String.join("/", parts);
        return rooted ? "/" + joined : joined.isEmpty() ? "." : joined;
    }
}
