package dev.tally.domain.image;

import dev.tally.domain.DomainException;
import java.util.regex.Pattern;

/**
 * Familiar image names: {@code docker.io/library/x}, {@code docker.io/x} and {@code x} are one name,
 * and a name without a tag means {@code :latest}.
 */
public final class ImageReference {

    private static final Pattern VALID = Pattern.compile(
            "[a-z0-9]+(?:[._-][a-z0-9]+)*(?::[0-9]+)?(?:/[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*)*"
                    + "(?::[A-Za-z0-9_][A-Za-z0-9_.-]{0,127})?");

    private ImageReference() {
    }

    public static String normalize(String ref) {
        if (ref == null || ref.isBlank() || !VALID.matcher(ref).matches()) {
            throw DomainException.invalid("invalid reference format: " + (ref == null ? "" : ref));
        }
        String name = ref;
        if (name.startsWith("docker.io/")) {
            name = name.substring("docker.io/".length());
        }
        if (name.startsWith("library/")) {
            name = name.substring("library/".length());
        }
        int slash = name.lastIndexOf('/');
        if (name.indexOf(':', slash + 1) < 0) {
            name = name + ":latest";
        }
        return name;
    }

    /** Names normalized before: most events name one of a few images, and a replay asks for each. */
    private static final java.util.Map<String, String> NORMALIZED = new java.util.concurrent.ConcurrentHashMap<>();

    /** The name normalized, or as it is when it is not a valid name; empty for null or empty. */
    public static String normalizedOrAsIs(String ref) {
        if (ref == null || ref.isEmpty()) {
            return "";
        }
        String known = NORMALIZED.get(ref);
        if (known != null) {
            return known;
        }
        String name;
        try {
            name = normalize(ref);
        } catch (DomainException notAName) {
            name = ref;
        }
        if (NORMALIZED.size() < 10_000) {
            NORMALIZED.put(ref, name);
        }
        return name;
    }

    /** True when the text looks like an image id or a prefix of one, rather than a name. */
    public static boolean isIdLike(String ref) {
        String hex = ref.startsWith("sha256:") ? ref.substring(7) : ref;
        return hex.length() >= 4 && hex.chars().allMatch(c -> (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'));
    }
}
