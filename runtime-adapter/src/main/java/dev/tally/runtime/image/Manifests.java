package dev.tally.runtime.image;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tally.domain.DomainException;
import dev.tally.domain.image.ImageStore.ImageConfig;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Image manifests and configs: the ones tally writes, and reading those it is given. */
final class Manifests {

    static final String DOCKER_MANIFEST = "application/vnd.docker.distribution.manifest.v2+json";
    static final String OCI_MANIFEST = "application/vnd.oci.image.manifest.v1+json";
    static final String DOCKER_CONFIG = "application/vnd.docker.container.image.v1+json";
    static final String OCI_CONFIG = "application/vnd.oci.image.config.v1+json";
    /** A manifest larger than this is refused, as containerd and the distribution spec's clients do. */
    static final int MAX_MANIFEST_BYTES = 4 << 20;

    private static final ObjectMapper JSON = new ObjectMapper();

    /** A content descriptor: what a manifest says of a blob. */
    record Descriptor(String mediaType, String digest, long size) {
    }

    /** A manifest read: its media type, its config and its layers, bottom first. */
    record Parsed(String mediaType, Descriptor config, List<Descriptor> layers) {
    }

    private Manifests() {
    }

    /** A Docker v2 schema 2 manifest of a config and layers, as the Docker engine writes it. */
    static byte[] dockerManifest(Descriptor config, List<Descriptor> layers) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("schemaVersion", 2);
        m.put("mediaType", DOCKER_MANIFEST);
        m.put("config", descriptor(config));
        m.put("layers", layers.stream().map(Manifests::descriptor).toList());
        try {
            return JSON.writeValueAsBytes(m);
        } catch (IOException e) {
            throw new IllegalStateException("a manifest of strings and numbers is always JSON", e);
        }
    }

    /** An OCI image manifest of a config and layers. */
    static byte[] ociManifest(Descriptor config, List<Descriptor> layers) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("schemaVersion", 2);
        m.put("mediaType", OCI_MANIFEST);
        m.put("config", descriptor(config));
        m.put("layers", layers.stream().map(Manifests::descriptor).toList());
        try {
            return JSON.writeValueAsBytes(m);
        } catch (IOException e) {
            throw new IllegalStateException("a manifest of strings and numbers is always JSON", e);
        }
    }

    private static Map<String, Object> descriptor(Descriptor d) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("mediaType", d.mediaType());
        m.put("size", d.size());
        m.put("digest", d.digest());
        return m;
    }

    /** Reads an image manifest; INVALID for anything else (a list or index, another schema, broken JSON). */
    static Parsed parse(byte[] manifest, String mediaType) {
        if (manifest.length > MAX_MANIFEST_BYTES) {
            throw DomainException.invalid("the manifest is larger than " + MAX_MANIFEST_BYTES + " bytes");
        }
        JsonNode root = tree(manifest, "manifest");
        String type = mediaType != null && !mediaType.isBlank() ? mediaType : root.path("mediaType").asText(null);
        if (type == null && root.has("config") && root.has("layers")) {
            type = OCI_MANIFEST;
        }
        if (!DOCKER_MANIFEST.equals(type) && !OCI_MANIFEST.equals(type)) {
            throw DomainException.invalid("unsupported manifest media type \"" + type + "\": an image manifest "
                    + "(Docker v2 schema 2 or OCI) is needed; a list or index names one per platform");
        }
        if (root.path("schemaVersion").asInt() != 2) {
            throw DomainException.invalid("the manifest's schemaVersion is not 2");
        }
        Descriptor config = descriptor(root.path("config"), "config");
        List<Descriptor> layers = new ArrayList<>();
        JsonNode list = root.path("layers");
        if (!list.isArray()) {
            throw DomainException.invalid("the manifest has no list of layers");
        }
        for (JsonNode layer : list) {
            layers.add(descriptor(layer, "layer"));
        }
        return new Parsed(type, config, layers);
    }

    private static Descriptor descriptor(JsonNode node, String what) {
        String digest = node.path("digest").asText(null);
        Digests.hex(digest);
        if (!node.path("size").canConvertToLong() || node.path("size").asLong() < 0) {
            throw DomainException.invalid("the manifest's " + what + " " + digest + " has no size");
        }
        return new Descriptor(node.path("mediaType").asText(null), digest, node.path("size").asLong());
    }

    /** The config's {@code rootfs.diff_ids}, bottom first. */
    static List<String> diffIds(byte[] config) {
        List<String> ids = new ArrayList<>();
        JsonNode list = tree(config, "image config").path("rootfs").path("diff_ids");
        for (JsonNode id : list) {
            ids.add(id.asText());
        }
        return ids;
    }

    /** The defaults a config gives containers ({@code config.Entrypoint}, {@code Cmd}, {@code Env}, …). */
    static ImageConfig imageConfig(byte[] config) {
        JsonNode c = tree(config, "image config").path("config");
        return new ImageConfig(strings(c.path("Entrypoint")), strings(c.path("Cmd")), strings(c.path("Env")),
                c.path("WorkingDir").asText(""), c.path("User").asText(""));
    }

    private static List<String> strings(JsonNode node) {
        List<String> out = new ArrayList<>();
        if (node.isArray()) {
            node.forEach(n -> out.add(n.asText()));
        }
        return out;
    }

    static JsonNode tree(byte[] bytes, String what) {
        try {
            JsonNode n = JSON.readTree(bytes);
            if (n == null || !n.isObject()) {
                throw DomainException.invalid("the " + what + " is not a JSON object");
            }
            return n;
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw DomainException.invalid("the " + what + " is not valid JSON: " + e.getOriginalMessage());
        } catch (IOException e) {
            throw DomainException.invalid("the " + what + " is not valid JSON: " + e.getMessage());
        }
    }

    static String nonNull(String s, String fallback) {
        return s == null ? fallback : s;
    }
}
