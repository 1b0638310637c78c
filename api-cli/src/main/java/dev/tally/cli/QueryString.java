package dev.tally.cli;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;

/** Builds a URL-encoded query string in the order parameters were added. */
public final class QueryString {

    private final StringBuilder text = new StringBuilder();

    /** Adds {@code name=value}, URL-encoding the value. */
    public QueryString add(String name, String value) {
        text.append(text.length() == 0 ? '?' : '&')
                .append(name)
                .append('=')
                .append(URLEncoder.encode(value, StandardCharsets.UTF_8).replace("+", "%20"));
        return this;
    }

    /** Adds the parameter only when the value is not null. */
    public QueryString addIfPresent(String name, Object value) {
        return value == null ? this : add(name, value.toString());
    }

    /** Adds {@code name=1} only when the flag is set. */
    public QueryString addFlag(String name, boolean set) {
        return set ? add(name, "1") : this;
    }

    /** Either empty or {@code ?a=b&c=d}. */
    @Override
    public String toString() {
        return text.toString();
    }

    /**
     * Encodes a name for use in a path, such as a container name or an image
     * reference; '/', ':' and '@' stay as they are, since image references use them.
     */
    public static String pathSegment(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8)
                .replace("+", "%20").replace("%2F", "/").replace("%3A", ":").replace("%40", "@");
    }
}
