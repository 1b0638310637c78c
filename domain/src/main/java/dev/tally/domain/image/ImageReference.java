package dev.tally.domain.image;

import dev.tally.domain.DomainException;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * An image name as Docker reads it: {@code [registry[:port]/]path[:tag][@digest]}. {@code busybox},
 * {@code docker.io/busybox}, {@code index.docker.io/library/busybox:latest} are one name; a name with
 * neither tag nor digest means {@code :latest}. The familiar form ({@link #familiar()}, what
 * {@link #normalize} returns, what events and the read model store and {@code docker images} shows) drops
 * {@code docker.io/} and {@code library/}: {@code busybox:latest}, {@code localhost:5000/app:1},
 * {@code busybox@sha256:…}.
 *
 * @param registry the registry host (and port): {@code docker.io} when the name gives none
 * @param path     the repository's path in that registry: {@code library/busybox}
 * @param tag      the tag, or null (a name with a digest keeps the tag it gave, else none)
 * @param digest   {@code sha256:<64 hex>}, or null
 */
public record ImageReference(String registry, String path, String tag, String digest) {

    public static final String DOCKER_HUB = "docker.io";

    private static final String PATH_COMPONENT = "[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*";
    private static final String DOMAIN_COMPONENT = "(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])";
    private static final Pattern DOMAIN = Pattern.compile(DOMAIN_COMPONENT + "(?:\\." + DOMAIN_COMPONENT + ")*(?::[0-9]+)?");
    private static final Pattern PATH = Pattern.compile(PATH_COMPONENT + "(?:/" + PATH_COMPONENT + ")*");
    private static final Pattern TAG = Pattern.compile("[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}");
    private static final Pattern DIGEST = Pattern.compile("sha256:[0-9a-f]{64}");
    private static final Pattern ANY_DIGEST = Pattern.compile("[A-Za-z][A-Za-z0-9]*(?:[-_+.][A-Za-z][A-Za-z0-9]*)*:[0-9a-fA-F]{32,}");
    private static final Pattern SPLIT = Pattern.compile("^(.+?)(?::([^:/@]+))?(?:@(.+))?$");
    private static final int MAX_NAME = 255;

    public ImageReference {
        if (registry == null || path == null) {
            throw new IllegalArgumentException("a reference has a registry and a path");
        }
    }

    /** Parses a name as typed; INVALID, with Docker's wording, for what is none. */
    public static ImageReference parse(String text) {
        if (text == null || text.isEmpty()) {
            throw invalid(text);
        }
        Matcher m = SPLIT.matcher(text);
        if (!m.matches()) {
            throw invalid(text);
        }
        String name = m.group(1);
        String tag = m.group(2);
        String digest = m.group(3);
        if (tag != null && !TAG.matcher(tag).matches()) {
            throw invalid(text);
        }
        if (digest != null) {
            if (!ANY_DIGEST.matcher(digest).matches()) {
                throw invalid(text);
            }
            if (!DIGEST.matcher(digest).matches()) {
                throw DomainException.invalid("invalid reference format: unsupported digest " + digest
                        + " (only sha256 with 64 lowercase hex digits)");
            }
        }
        if (name.length() > MAX_NAME) {
            throw DomainException.invalid("invalid reference format: repository name must not be more than "
                    + MAX_NAME + " characters");
        }
        String registry = DOCKER_HUB;
        String rest = name;
        int slash = name.indexOf('/');
        if (slash > 0) {
            String first = name.substring(0, slash);
            if (first.contains(".") || first.contains(":") || first.equals("localhost") || !first.equals(first.toLowerCase())) {
                registry = first;
                rest = name.substring(slash + 1);
                if (!DOMAIN.matcher(registry).matches()) {
                    throw invalid(text);
                }
            }
        }
        if (registry.equals("index.docker.io")) {
            registry = DOCKER_HUB;
        }
        if (!rest.equals(rest.toLowerCase())) {
            throw DomainException.invalid("invalid reference format: repository name (" + rest + ") must be lowercase");
        }
        if (!PATH.matcher(rest).matches()) {
            throw invalid(text);
        }
        if (registry.equals(DOCKER_HUB) && !rest.contains("/")) {
            rest = "library/" + rest;
        }
        if (tag == null && digest == null) {
            tag = "latest";
        }
        return new ImageReference(registry, rest, tag, digest);
    }

    private static DomainException invalid(String text) {
        return DomainException.invalid("invalid reference format: " + (text == null ? "" : text));
    }

    /** The repository as {@code docker images} shows it: {@code busybox}, {@code alice/tools}, {@code localhost:5000/app}. */
    public String repository() {
        if (registry.equals(DOCKER_HUB)) {
            return path.startsWith("library/") && path.indexOf('/', 8) < 0 ? path.substring(8) : path;
        }
        return registry + "/" + path;
    }

    /** The repository in full: {@code docker.io/library/busybox}. */
    public String canonicalRepository() {
        return registry + "/" + path;
    }

    /** As Docker shows it: {@code busybox:latest}, {@code busybox@sha256:…}, {@code busybox:1@sha256:…}. */
    public String familiar() {
        return repository() + (tag == null ? "" : ":" + tag) + (digest == null ? "" : "@" + digest);
    }

    /** In full: {@code docker.io/library/busybox:latest}. */
    public String canonical() {
        return canonicalRepository() + (tag == null ? "" : ":" + tag) + (digest == null ? "" : "@" + digest);
    }

    /** Whether it names a digest ({@code NAME@sha256:…}) rather than only a tag. */
    public boolean byDigest() {
        return digest != null;
    }

    @Override
    public String toString() {
        return familiar();
    }

    /** The familiar form of a name; INVALID for what is none. */
    public static String normalize(String ref) {
        return parse(ref).familiar();
    }

    /** Names normalized before: most events name one of a few images, and a replay asks for each. */
    private static final Map<String, String> NORMALIZED = new ConcurrentHashMap<>();

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
