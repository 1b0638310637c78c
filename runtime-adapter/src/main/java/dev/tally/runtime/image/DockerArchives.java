package dev.tally.runtime.image;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tally.domain.DomainException;
import dev.tally.domain.image.ImageArchives;
import dev.tally.domain.image.ImageStore.StoredImage;
import dev.tally.runtime.Trees;
import dev.tally.runtime.image.ImageRecords.ImageRecord;
import dev.tally.runtime.image.Manifests.Descriptor;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;

/**
 * {@code docker save} and {@code docker load} archives over a {@link LayeredImageStore}. Saved as
 * dockerd 25+ saves: an OCI layout (blobs by digest, layers as uncompressed tars, {@code index.json},
 * {@code oci-layout}) with Docker's {@code manifest.json} and {@code repositories} beside it. Loaded:
 * a Docker archive (its {@code manifest.json}; layers plain or compressed, each checked against its
 * config's diff id, a plain one gzip-compressed here once) or an OCI layout (its {@code index.json};
 * blobs verified against their digests, the manifest kept as it is).
 */
public final class DockerArchives implements ImageArchives {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String OCI_INDEX = "application/vnd.oci.image.index.v1+json";
    private static final String DOCKER_LIST = "application/vnd.docker.distribution.manifest.list.v2+json";
    private static final String PLAIN_LAYER = "application/vnd.oci.image.layer.v1.tar";
    /** Small files of an archive (manifest.json, index.json, configs, manifests) are read whole up to this. */
    private static final int MAX_JSON_BYTES = 4 << 20;

    private final LayeredImageStore store;

    public DockerArchives(LayeredImageStore store) {
        this.store = store;
    }

    /** What is written for one image: its config, its layers (diff ids, uncompressed sizes) and an OCI manifest of them. */
    private record Plan(Saving image, byte[] config, List<String> diffIds, List<Long> sizes, byte[] manifest) {
        Saved saved() {
            return new Saved(image.imageId(), image.references(), Digests.of(manifest), diffIds);
        }
    }

    private Plan planOf(Saving image) {
        ImageRecord record = store.record(image.imageId());
        byte[] config = store.blobBytes(record.id());
        List<Long> sizes = new ArrayList<>();
        List<Descriptor> layers = new ArrayList<>();
        for (String diffId : record.layers()) {
            long size = store.uncompressedSize(diffId);
            sizes.add(size);
            layers.add(new Descriptor(PLAIN_LAYER, diffId, size));
        }
        byte[] manifest = Manifests.ociManifest(new Descriptor(Manifests.OCI_CONFIG, record.id(), config.length), layers);
        return new Plan(image, config, record.layers(), sizes, manifest);
    }

    @Override
    public Saved plan(Saving image) {
        return planOf(image).saved();
    }

    @Override
    public List<Saved> save(List<Saving> images, OutputStream out) {
        List<Plan> plans = images.stream().map(this::planOf).toList();
        Set<String> written = new HashSet<>();
        try {
            TarArchiveOutputStream tar = new TarArchiveOutputStream(out);
            tar.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
            tar.setBigNumberMode(TarArchiveOutputStream.BIGNUMBER_POSIX);
            directory(tar, "blobs/");
            directory(tar, "blobs/sha256/");
            List<Object> index = new ArrayList<>();
            List<Object> manifests = new ArrayList<>();
            Map<String, Map<String, String>> repositories = new LinkedHashMap<>();
            for (Plan p : plans) {
                for (int i = 0; i < p.diffIds().size(); i++) {
                    String diffId = p.diffIds().get(i);
                    if (written.add(diffId)) {
                        try (InputStream layer = store.openUncompressed(diffId)) {
                            file(tar, blobPath(diffId), p.sizes().get(i), layer);
                        }
                    }
                }
                String configDigest = p.image().imageId();
                if (written.add(configDigest)) {
                    file(tar, blobPath(configDigest), p.config());
                }
                String manifestDigest = Digests.of(p.manifest());
                if (written.add(manifestDigest)) {
                    file(tar, blobPath(manifestDigest), p.manifest());
                }
                List<String> repoTags = new ArrayList<>();
                for (String ref : p.image().references()) {
                    repoTags.add(ref);
                    index.add(indexEntry(manifestDigest, p.manifest().length, ref));
                    int colon = ref.lastIndexOf(':');
                    if (colon > ref.lastIndexOf('/')) {
                        repositories.computeIfAbsent(ref.substring(0, colon), r -> new LinkedHashMap<>())
                                .put(ref.substring(colon + 1), Digests.hex(p.diffIds().get(p.diffIds().size() - 1)));
                    }
                }
                if (p.image().references().isEmpty()) {
                    index.add(indexEntry(manifestDigest, p.manifest().length, null));
                }
                Map<String, Object> m = new LinkedHashMap<>();
                m.put("Config", blobPath(configDigest));
                m.put("RepoTags", repoTags.isEmpty() ? null : repoTags);
                m.put("Layers", p.diffIds().stream().map(DockerArchives::blobPath).toList());
                manifests.add(m);
            }
            Map<String, Object> indexDoc = new LinkedHashMap<>();
            indexDoc.put("schemaVersion", 2);
            indexDoc.put("mediaType", OCI_INDEX);
            indexDoc.put("manifests", index);
            file(tar, "index.json", JSON.writeValueAsBytes(indexDoc));
            file(tar, "manifest.json", JSON.writeValueAsBytes(manifests));
            file(tar, "oci-layout", "{\"imageLayoutVersion\":\"1.0.0\"}".getBytes(java.nio.charset.StandardCharsets.UTF_8));
            if (!repositories.isEmpty()) {
                file(tar, "repositories", JSON.writeValueAsBytes(repositories));
            }
            tar.finish();
            tar.flush();
        } catch (IOException e) {
            throw Blobs.failed("save images", e);
        }
        return plans.stream().map(Plan::saved).toList();
    }

    private static Map<String, Object> indexEntry(String digest, long size, String reference) {
        Map<String, Object> e = new LinkedHashMap<>();
        e.put("mediaType", Manifests.OCI_MANIFEST);
        e.put("digest", digest);
        e.put("size", size);
        if (reference != null) {
            e.put("annotations", Map.of("io.containerd.image.name", fullName(reference),
                    "org.opencontainers.image.ref.name", reference.substring(reference.lastIndexOf(':') + 1)));
        }
        return e;
    }

    /** A familiar name in full, as containerd names images: {@code busybox:latest} is {@code docker.io/library/busybox:latest}. */
    static String fullName(String reference) {
        int slash = reference.indexOf('/');
        String first = slash < 0 ? "" : reference.substring(0, slash);
        if (slash < 0) {
            return "docker.io/library/" + reference;
        }
        if (first.contains(".") || first.contains(":") || first.equals("localhost")) {
            return reference;
        }
        return "docker.io/" + reference;
    }

    private static String blobPath(String digest) {
        return "blobs/sha256/" + Digests.hex(digest);
    }

    private static void directory(TarArchiveOutputStream tar, String name) throws IOException {
        TarArchiveEntry e = new TarArchiveEntry(name);
        e.setMode(040755);
        tar.putArchiveEntry(e);
        tar.closeArchiveEntry();
    }

    private static void file(TarArchiveOutputStream tar, String name, byte[] bytes) throws IOException {
        file(tar, name, bytes.length, new java.io.ByteArrayInputStream(bytes));
    }

    private static void file(TarArchiveOutputStream tar, String name, long size, InputStream in) throws IOException {
        TarArchiveEntry e = new TarArchiveEntry(name);
        e.setSize(size);
        e.setMode(0100644);
        tar.putArchiveEntry(e);
        long copied = in.transferTo(tar);
        if (copied != size) {
            throw new IOException(name + " has " + copied + " bytes where " + size + " were planned");
        }
        tar.closeArchiveEntry();
    }

    @Override
    public List<Loaded> load(InputStream archive) {
        Path dir = null;
        try {
            dir = Files.createTempDirectory(store.tmp(), "load");
            Map<String, Path> entries = unpackFlat(archive, dir);
            if (entries.containsKey("manifest.json")) {
                return loadDocker(entries);
            }
            if (entries.containsKey("index.json")) {
                return loadOci(entries);
            }
            throw DomainException.invalid("the archive has neither a manifest.json (a Docker archive) nor an "
                    + "index.json (an OCI layout)");
        } catch (IOException e) {
            throw refused(e);
        } finally {
            if (dir != null) {
                try {
                    Trees.delete(dir, "an unpacked archive");
                } catch (DomainException ignored) {
                    // removed with tmp/ at the next start
                }
            }
        }
    }

    /**
     * The archive's regular files, each kept under a name of ours ({@code 0}, {@code 1}, …) and found
     * by its normalized entry name: no entry name is ever a path on this host.
     */
    private Map<String, Path> unpackFlat(InputStream archive, Path dir) throws IOException {
        BufferedInputStream in = new BufferedInputStream(archive, 65536);
        Compression c = Compression.sniff(in);
        Map<String, Path> entries = new HashMap<>();
        MeteredInput.Budget reserve = store.reserve();
        long[] total = {0};
        try (TarArchiveInputStream tar = new TarArchiveInputStream(c.open(in))) {
            TarArchiveEntry e;
            while ((e = tar.getNextEntry()) != null) {
                if (!e.isFile()) {
                    continue;
                }
                String name = normalize(e.getName());
                Path file = dir.resolve(Integer.toString(entries.size()));
                try (OutputStream out = Files.newOutputStream(file)) {
                    byte[] buf = new byte[65536];
                    for (int n; (n = tar.read(buf)) > 0; ) {
                        total[0] += n;
                        reserve.check(total[0]);
                        out.write(buf, 0, n);
                    }
                }
                entries.put(name, file);
            }
        }
        return entries;
    }

    /** {@code ./a//b} and {@code /a/b} are {@code a/b}; a name that climbs ({@code ..}) is no name of the archive. */
    static String normalize(String name) {
        List<String> parts = new ArrayList<>();
        for (String part : name.split("/")) {
            if (part.isEmpty() || part.equals(".")) {
                continue;
            }
            if (part.equals("..")) {
                throw DomainException.invalid("archive entry " + name + " climbs out of the archive");
            }
            parts.add(part);
        }
        return String.join("/", parts);
    }

    private static Path entry(Map<String, Path> entries, String name, String what) {
        Path p = entries.get(normalize(name));
        if (p == null) {
            throw DomainException.invalid("the archive names " + what + " " + name + " but holds no such file");
        }
        return p;
    }

    private static byte[] small(Path file, String what) throws IOException {
        if (Files.size(file) > MAX_JSON_BYTES) {
            throw DomainException.invalid("the archive's " + what + " is larger than " + MAX_JSON_BYTES + " bytes");
        }
        return Files.readAllBytes(file);
    }

    private List<Loaded> loadDocker(Map<String, Path> entries) throws IOException {
        JsonNode list = JSON.readTree(small(entries.get("manifest.json"), "manifest.json"));
        if (list == null || !list.isArray() || list.isEmpty()) {
            throw DomainException.invalid("the archive's manifest.json lists no image");
        }
        List<Loaded> loaded = new ArrayList<>();
        for (JsonNode item : list) {
            byte[] config = small(entry(entries, item.path("Config").asText(""), "the config"), "config");
            String configDigest = Digests.of(config);
            List<String> diffIds = Manifests.diffIds(config);
            JsonNode layerPaths = item.path("Layers");
            if (!layerPaths.isArray() || layerPaths.size() != diffIds.size()) {
                throw DomainException.invalid("the archive's image " + configDigest + " has " + layerPaths.size()
                        + " layers where its config names " + diffIds.size());
            }
            store.putBlob(configDigest, config.length, new java.io.ByteArrayInputStream(config));
            List<Descriptor> layers = new ArrayList<>();
            boolean zstd = false;
            for (int i = 0; i < diffIds.size(); i++) {
                LayerWriter.Written w;
                try (InputStream in = Files.newInputStream(entry(entries, layerPaths.get(i).asText(""), "the layer"))) {
                    w = store.putLayerAsItComes(in);
                }
                if (!w.diffId().equals(diffIds.get(i))) {
                    throw DomainException.invalid("layer " + layerPaths.get(i).asText() + " of the archive unpacks to "
                            + w.diffId() + " where its config names " + diffIds.get(i));
                }
                zstd |= Compression.ofMediaType(w.mediaType()) == Compression.ZSTD;
                layers.add(new Descriptor(w.mediaType(), w.blobDigest(), w.blobSize()));
            }
            byte[] manifest = zstd
                    ? Manifests.ociManifest(new Descriptor(Manifests.OCI_CONFIG, configDigest, config.length), layers)
                    : Manifests.dockerManifest(new Descriptor(Manifests.DOCKER_CONFIG, configDigest, config.length),
                            layers.stream().map(l -> new Descriptor(LayerWriter.DOCKER_GZIP, l.digest(), l.size())).toList());
            StoredImage image = store.storeImage(manifest, null);
            List<String> refs = new ArrayList<>();
            item.path("RepoTags").forEach(t -> refs.add(t.asText()));
            loaded.add(new Loaded(image.id(), refs, image.manifestDigest(), image.layers(), image.size()));
        }
        return loaded;
    }

    private List<Loaded> loadOci(Map<String, Path> entries) throws IOException {
        JsonNode index = Manifests.tree(small(entries.get("index.json"), "index.json"), "index.json");
        List<Loaded> loaded = new ArrayList<>();
        for (JsonNode d : index.path("manifests")) {
            String ref = reference(d.path("annotations"));
            JsonNode chosen = d;
            byte[] manifest = blob(entries, d);
            String type = d.path("mediaType").asText(Manifests.tree(manifest, "manifest").path("mediaType").asText(null));
            if (OCI_INDEX.equals(type) || DOCKER_LIST.equals(type)) {
                chosen = linuxAmd64(Manifests.tree(manifest, "index").path("manifests"));
                manifest = blob(entries, chosen);
                type = chosen.path("mediaType").asText(null);
            }
            Manifests.Parsed parsed = Manifests.parse(manifest, type);
            try (InputStream in = Files.newInputStream(entry(entries, blobPath(parsed.config().digest()), "the config"))) {
                store.putBlob(parsed.config().digest(), parsed.config().size(), in);
            }
            for (Descriptor layer : parsed.layers()) {
                try (InputStream in = Files.newInputStream(entry(entries, blobPath(layer.digest()), "the layer"))) {
                    store.putLayer(layer.digest(), layer.size(), layer.mediaType(), in);
                }
            }
            StoredImage image = store.storeImage(manifest, parsed.mediaType());
            loaded.add(new Loaded(image.id(), ref == null ? List.of() : List.of(ref), image.manifestDigest(),
                    image.layers(), image.size()));
        }
        if (loaded.isEmpty()) {
            throw DomainException.invalid("the archive's index.json lists no image");
        }
        return loaded;
    }

    /** A descriptor's blob, read whole and checked against its digest. */
    private static byte[] blob(Map<String, Path> entries, JsonNode descriptor) throws IOException {
        String digest = descriptor.path("digest").asText(null);
        byte[] bytes = small(entry(entries, blobPath(digest), "the manifest"), "manifest");
        if (!Digests.of(bytes).equals(digest)) {
            throw DomainException.invalid("the archive's manifest " + digest + " does not match its digest");
        }
        return bytes;
    }

    private static JsonNode linuxAmd64(JsonNode manifests) {
        for (JsonNode m : manifests) {
            JsonNode p = m.path("platform");
            if (p.path("os").asText("").equals("linux") && p.path("architecture").asText("").equals("amd64")) {
                return m;
            }
        }
        throw DomainException.invalid("the archive's index has no image for linux/amd64");
    }

    /** The reference an OCI layout gives an image: containerd's full name, else a ref.name that is a name with a tag. */
    private static String reference(JsonNode annotations) {
        String full = annotations.path("io.containerd.image.name").asText(null);
        if (full != null) {
            return full;
        }
        String refName = annotations.path("org.opencontainers.image.ref.name").asText(null);
        return refName != null && refName.contains(":") ? refName : null;
    }

    private static DomainException refused(IOException e) {
        DomainException mapped = Blobs.failed("load the archive", e);
        if (mapped.kind() == DomainException.Kind.FAILED && !(e.getCause() instanceof DomainException)) {
            return DomainException.invalid("the archive could not be read: " + e.getMessage());
        }
        return mapped;
    }
}
