package dev.tally.runtime.image;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tally.domain.DomainException;
import dev.tally.domain.image.ContainerSnapshots;
import dev.tally.domain.image.ImageStore;
import dev.tally.runtime.image.Manifests.Descriptor;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@link ContainerSnapshots} on the {@link LayeredImageStore}: the layer is written to a file under the
 * store's {@code tmp/}, stored as an uncompressed layer is (gzip made here, once), then a config (the
 * parent's, with the commit's settings, the new diff id and a history entry, as dockerd writes it) and
 * a manifest of the parent's type (the parent's layer blobs as they are, then the new one).
 */
public final class CommittedImages implements ContainerSnapshots {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final LayeredImageStore store;

    public CommittedImages(LayeredImageStore store) {
        this.store = store;
    }

    @Override
    public Snapshot commit(String parentImageId, Layer layer, CommitConfig config) {
        ImageStore.Manifest parent = store.manifest(parentImageId);
        Manifests.Parsed parsed = Manifests.parse(parent.bytes(), parent.mediaType());
        LayerWriter.Written w = written(layer);
        boolean oci = Manifests.OCI_MANIFEST.equals(parsed.mediaType());
        byte[] newConfig = config(store.blobBytes(parsed.config().digest()), w.diffId(), config);
        String configDigest = Digests.of(newConfig);
        store.putBlob(configDigest, newConfig.length, new ByteArrayInputStream(newConfig));
        List<Descriptor> layers = new ArrayList<>(parsed.layers());
        layers.add(new Descriptor(oci ? Compression.GZIP.ociMediaType() : LayerWriter.DOCKER_GZIP, w.blobDigest(),
                w.blobSize()));
        Descriptor configDescriptor = new Descriptor(oci ? Manifests.OCI_CONFIG : Manifests.DOCKER_CONFIG, configDigest,
                newConfig.length);
        byte[] manifest = oci ? Manifests.ociManifest(configDescriptor, layers)
                : Manifests.dockerManifest(configDescriptor, layers);
        ImageStore.StoredImage stored = store.storeImage(manifest, parsed.mediaType());
        return new Snapshot(stored.id(), w.blobDigest(), Digests.of(manifest), stored.layers(), stored.size());
    }

    /**
     * The layer through a file on the data root's disk (cleared at start if a crash leaves it), held to
     * the store's limits for a layer as it is written: a container's files are what its owner made them,
     * and a sparse file of a terabyte takes no room in the container and a terabyte in the tar.
     */
    LayerWriter.Written written(Layer layer) {
        Path file = null;
        try {
            file = Files.createTempFile(store.tmp(), "layer-commit-", ".tar");
            try (OutputStream out = new java.io.BufferedOutputStream(
                    new Budgeted(Files.newOutputStream(file), store.layerBudget()), 1 << 16)) {
                layer.writeTo(out);
            }
            try (InputStream in = Files.newInputStream(file)) {
                return store.putLayerAsItComes(in);
            }
        } catch (IOException e) {
            throw new DomainException(DomainException.Kind.FAILED, "commit: write the layer: " + e.getMessage(), e);
        } finally {
            if (file != null) {
                try {
                    Files.deleteIfExists(file);
                } catch (IOException ignored) {
                    // under tmp/, which the store clears at start
                }
            }
        }
    }

    /** Bytes to a file, each write checked first against the budget with the total it would make. */
    private static final class Budgeted extends java.io.FilterOutputStream {
        private final MeteredInput.Budget budget;
        private long total;

        Budgeted(OutputStream out, MeteredInput.Budget budget) {
            super(out);
            this.budget = budget;
        }

        @Override
        public void write(int b) throws IOException {
            budget.check(total + 1);
            out.write(b);
            total++;
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            budget.check(total + len);
            out.write(b, off, len);
            total += len;
        }
    }

    /** The parent's config with the commit's settings over it, the new layer's diff id and one history entry more. */
    static byte[] config(byte[] parentConfig, String diffId, CommitConfig c) {
        ObjectNode root = (ObjectNode) Manifests.tree(parentConfig, "image config");
        ObjectNode cfg = root.path("config").isObject() ? (ObjectNode) root.get("config") : root.putObject("config");
        if (!c.entrypoint().isEmpty()) {
            cfg.set("Entrypoint", strings(c.entrypoint()));
            if (c.cmd().isEmpty()) {
                cfg.remove("Cmd");
            }
        }
        if (!c.cmd().isEmpty()) {
            cfg.set("Cmd", strings(c.cmd()));
        }
        if (!c.env().isEmpty()) {
            cfg.set("Env", strings(mergedEnv(cfg.path("Env"), c.env())));
        }
        if (!c.workingDir().isEmpty()) {
            cfg.put("WorkingDir", c.workingDir());
        }
        if (!c.user().isEmpty()) {
            cfg.put("User", c.user());
        }
        addKeys(cfg, "ExposedPorts", c.exposedPorts());
        addKeys(cfg, "Volumes", c.volumes());
        if (!c.stopSignal().isEmpty()) {
            cfg.put("StopSignal", c.stopSignal());
        }
        if (!c.labels().isEmpty()) {
            ObjectNode labels = cfg.path("Labels").isObject() ? (ObjectNode) cfg.get("Labels") : cfg.putObject("Labels");
            new java.util.TreeMap<>(c.labels()).forEach(labels::put);
        }
        root.put("created", c.created());
        // as dockerd: the new image's author and comment are the commit's, never the parent's
        root.remove(List.of("author", "comment"));
        if (!c.author().isEmpty()) {
            root.put("author", c.author());
        }
        if (!c.comment().isEmpty()) {
            root.put("comment", c.comment());
        }
        root.put("container", c.containerId());
        ObjectNode rootfs = root.path("rootfs").isObject() ? (ObjectNode) root.get("rootfs") : root.putObject("rootfs");
        rootfs.put("type", "layers");
        ArrayNode diffIds = rootfs.path("diff_ids").isArray() ? (ArrayNode) rootfs.get("diff_ids")
                : rootfs.putArray("diff_ids");
        diffIds.add(diffId);
        ArrayNode history = root.path("history").isArray() ? (ArrayNode) root.get("history") : root.putArray("history");
        ObjectNode entry = history.addObject().put("created", c.created());
        if (!c.author().isEmpty()) {
            entry.put("author", c.author());
        }
        entry.put("created_by", c.createdBy());
        if (!c.comment().isEmpty()) {
            entry.put("comment", c.comment());
        }
        try {
            return JSON.writeValueAsBytes(root);
        } catch (IOException e) {
            throw new IllegalStateException("a config read as JSON is written as JSON", e);
        }
    }

    /** {@code {"80/tcp": {}}}: each of {@code keys} added to the parent's object of that name. */
    private static void addKeys(ObjectNode cfg, String field, List<String> keys) {
        if (keys.isEmpty()) {
            return;
        }
        ObjectNode o = cfg.path(field).isObject() ? (ObjectNode) cfg.get(field) : cfg.putObject(field);
        keys.forEach(k -> o.putObject(k));
    }

    /** The parent's variables with the container's over them by name, the parent's order kept. */
    private static List<String> mergedEnv(JsonNode parent, List<String> over) {
        Map<String, String> byName = new LinkedHashMap<>();
        if (parent.isArray()) {
            parent.forEach(n -> byName.put(name(n.asText()), n.asText()));
        }
        for (String kv : over) {
            if (kv.contains("=")) {
                byName.put(name(kv), kv);
            } else {
                byName.remove(kv);
            }
        }
        return new ArrayList<>(byName.values());
    }

    private static String name(String kv) {
        int eq = kv.indexOf('=');
        return eq < 0 ? kv : kv.substring(0, eq);
    }

    private static ArrayNode strings(List<String> values) {
        ArrayNode a = JSON.createArrayNode();
        values.forEach(a::add);
        return a;
    }
}
