package dev.tally.domain.image.registry;

import dev.tally.domain.DomainException;
import java.util.regex.Pattern;

/**
 * A name as a registry knows it: {@code busybox} is registry {@code docker.io}, repository
 * {@code library/busybox}, tag {@code latest}, as Docker normalizes it. The first part of a name is a
 * registry when it has a dot or a port, or is {@code localhost}.
 *
 * @param registry   {@code docker.io}, {@code localhost:5000}, {@code 127.0.0.1:5000} …
 * @param repository the path inside the registry ({@code library/busybox})
 * @param tag        the tag, or empty when only a digest was given
 * @param digest     {@code sha256:…}, or empty
 */
public record RemoteReference(String registry, String repository, String tag, String digest) {

    public static final String DOCKER_HUB = "docker.io";

    private static final Pattern HOST = Pattern.compile(
            "(?:[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?)(?:\\.[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?)*"
                    + "|\\[[0-9a-fA-F:]+\\]");
    private static final Pattern COMPONENT = Pattern.compile("[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*");
    private static final Pattern TAG = Pattern.compile("[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}");
    private static final Pattern DIGEST = Pattern.compile("sha256:[a-f0-9]{64}");

    /** Parses a name as the docker CLI accepts it; INVALID with Docker's words otherwise. */
    public static RemoteReference parse(String text) {
        if (text == null || text.isEmpty() || text.length() > 4096) {
            throw invalid(text);
        }
        String name = text;
        String digest = "";
        int at = name.indexOf('@');
        if (at >= 0) {
            digest = name.substring(at + 1);
            name = name.substring(0, at);
            if (!DIGEST.matcher(digest).matches()) {
                throw invalid(text);
            }
        }
        String tag = "";
        int colon = name.lastIndexOf(':');
        if (colon > name.lastIndexOf('/')) {
            tag = name.substring(colon + 1);
            name = name.substring(0, colon);
            if (!TAG.matcher(tag).matches()) {
                throw invalid(text);
            }
        }
        String registry = DOCKER_HUB;
        String path = name;
        int slash = name.indexOf('/');
        if (slash > 0) {
            String first = name.substring(0, slash);
            if (first.contains(".") || first.contains(":") || first.equals("localhost") || !first.equals(first.toLowerCase())) {
                registry = first;
                path = name.substring(slash + 1);
                checkRegistry(registry, text);
            }
        }
        if (registry.equals("index.docker.io") || registry.equals("registry-1.docker.io")) {
            registry = DOCKER_HUB;
        }
        if (registry.equals(DOCKER_HUB) && !path.contains("/")) {
            path = "library/" + path;
        }
        for (String component : path.split("/", -1)) {
            if (!COMPONENT.matcher(component).matches()) {
                throw invalid(text);
            }
        }
        if (tag.isEmpty() && digest.isEmpty()) {
            tag = "latest";
        }
        return new RemoteReference(registry, path, tag, digest);
    }

    private static void checkRegistry(String registry, String text) {
        String host = registry;
        int colon = registry.lastIndexOf(':');
        if (colon > registry.lastIndexOf(']')) {
            String port = registry.substring(colon + 1);
            if (!port.matches("[0-9]{1,5}") || Integer.parseInt(port) > 65535) {
                throw invalid(text);
            }
            host = registry.substring(0, colon);
        }
        if (!HOST.matcher(host).matches()) {
            throw invalid(text);
        }
    }

    private static DomainException invalid(String text) {
        return DomainException.invalid("invalid reference format: " + (text == null ? "" : text));
    }

    /** Docker's short form of the name without tag or digest: {@code busybox}, {@code alice/app}, {@code host:5000/app}. */
    public String familiarName() {
        if (registry.equals(DOCKER_HUB)) {
            return repository.startsWith("library/") && repository.indexOf('/', 8) < 0
                    ? repository.substring("library/".length()) : repository;
        }
        return registry + "/" + repository;
    }

    /** The familiar name with its tag, or with its digest when it has no tag: what a pulled image is called. */
    public String familiar() {
        return familiarName() + (tag.isEmpty() ? "@" + digest : ":" + tag);
    }

    /** The tag, or the digest when there is no tag: what the registry's manifest endpoint is asked for. */
    public String tagOrDigest() {
        return digest.isEmpty() ? tag : digest;
    }

    /** The same repository with another tag (and no digest). */
    public RemoteReference withTag(String newTag) {
        return new RemoteReference(registry, repository, newTag, "");
    }

    /** The full name: registry, repository and tag or digest. */
    @Override
    public String toString() {
        return registry + "/" + repository + (tag.isEmpty() ? "" : ":" + tag) + (digest.isEmpty() ? "" : "@" + digest);
    }
}
