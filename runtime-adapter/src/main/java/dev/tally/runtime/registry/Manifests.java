package dev.tally.runtime.registry;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tally.domain.DomainException;
import dev.tally.domain.image.registry.Descriptor;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** Reading manifests: Docker's v2 schema 2 and manifest list, OCI's image manifest and index. */
final class Manifests {

    static final String DOCKER_MANIFEST = "application/vnd.docker.distribution.manifest.v2+json";
    static final String DOCKER_LIST = "application/vnd.docker.distribution.manifest.list.v2+json";
    static final String OCI_MANIFEST = "application/vnd.oci.image.manifest.v1+json";
    static final String OCI_INDEX = "application/vnd.oci.image.index.v1+json";
    /** What we ask for, in Docker's order of preference. */
    static final String ACCEPT = String.join(", ", DOCKER_MANIFEST, DOCKER_LIST, OCI_MANIFEST, OCI_INDEX);
    /** The largest manifest read; what is larger is refused before it is all read. */
    static final int MAX_BYTES = 4 << 20;

    private static final ObjectMapper JSON = new ObjectMapper();

    private Manifests() {
    }

    /** A manifest's own type: its {@code mediaType} field, or the type the registry served it as. */
    static String mediaType(JsonNode manifest, String served) {
        String own = manifest.path("mediaType").asText("");
        if (!own.isEmpty()) {
            return own;
        }
        String s = served == null ? "" : served.split(";")[0].strip();
        if (!s.isEmpty() && !s.equals("application/json") && !s.equals("application/octet-stream")) {
            return s;
        }
        return manifest.has("manifests") ? OCI_INDEX : OCI_MANIFEST;
    }

    static JsonNode read(byte[] bytes, String what) {
        try {
            JsonNode n = JSON.readTree(bytes);
            if (n == null || !n.isObject()) {
                throw DomainException.invalid(what + ": the registry served a manifest that is not a JSON object");
            }
            return n;
        } catch (IOException e) {
            throw DomainException.invalid(what + ": the registry served a manifest that is not JSON");
        }
    }

    static boolean isIndex(String mediaType) {
        return mediaType.equals(DOCKER_LIST) || mediaType.equals(OCI_INDEX);
    }

    static boolean isImage(String mediaType) {
        return mediaType.equals(DOCKER_MANIFEST) || mediaType.equals(OCI_MANIFEST);
    }

    /** The entry of an index for {@code os/arch[/variant]}, if any. */
    static Optional<Descriptor> choose(JsonNode index, String platform) {
        for (JsonNode m : index.path("manifests")) {
            if (matches(m.path("platform"), platform)) {
                return Optional.of(descriptor(m, "an index entry"));
            }
        }
        return Optional.empty();
    }

    /**
     * Whether an index entry's {@code platform} or an image config (both say {@code os},
     * {@code architecture}, {@code variant}) is {@code os/arch[/variant]} (linux/amd64 when empty;
     * any variant when the platform names none).
     */
    static boolean matches(JsonNode said, String platform) {
        String[] p = (platform == null || platform.isBlank() ? "linux/amd64" : platform).split("/");
        String os = p[0];
        String arch = p.length > 1 ? p[1] : "amd64";
        String variant = p.length > 2 ? p[2] : "";
        return said.path("os").asText("").equals(os) && said.path("architecture").asText("").equals(arch)
                && (variant.isEmpty() || said.path("variant").asText("").equals(variant));
    }

    /** {@code os/arch[/variant]} as an index entry's platform or an image config says it. */
    static String platformOf(JsonNode said) {
        String variant = said.path("variant").asText("");
        return said.path("os").asText("?") + "/" + said.path("architecture").asText("?")
                + (variant.isEmpty() ? "" : "/" + variant);
    }

    static Descriptor config(JsonNode manifest) {
        return descriptor(manifest.path("config"), "the manifest's config");
    }

    static List<Descriptor> layers(JsonNode manifest) {
        List<Descriptor> out = new ArrayList<>();
        for (JsonNode l : manifest.path("layers")) {
            out.add(descriptor(l, "a layer of the manifest"));
        }
        return out;
    }

    static Descriptor descriptor(JsonNode n, String what) {
        String digest = n.path("digest").asText("");
        long size = n.path("size").asLong(-1);
        if (!digest.matches("sha256:[a-f0-9]{64}") || size < 0) {
            throw DomainException.invalid("the registry served a manifest whose " + what
                    + " has no sha256 digest or size");
        }
        return new Descriptor(n.path("mediaType").asText(""), digest, size);
    }
}
