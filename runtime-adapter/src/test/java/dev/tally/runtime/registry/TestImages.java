package dev.tally.runtime.registry;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.zip.GZIPOutputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;

/**
 * Images made for tests as OCI image layouts (what {@code skopeo copy oci:DIR:TAG docker://…} pushes):
 * gzip layers from tars, an OCI config with their diff ids, an OCI manifest, {@code index.json}.
 */
public final class TestImages {

    private static final ObjectMapper JSON = new ObjectMapper();

    private TestImages() {
    }

    /** What was made: the digests a registry will serve. */
    public record Made(Path layout, String tag, String manifestDigest, String configDigest, List<String> layers,
                       List<String> diffIds) {
    }

    /** A tar of these files (path → content), each 0644, directories as needed, owned by root. */
    public static byte[] tar(Map<String, String> files) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (TarArchiveOutputStream tar = new TarArchiveOutputStream(out)) {
            tar.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
            java.util.Set<String> dirs = new java.util.TreeSet<>();
            for (String p : files.keySet()) {
                for (int i = p.indexOf('/'); i > 0; i = p.indexOf('/', i + 1)) {
                    dirs.add(p.substring(0, i + 1));
                }
            }
            for (String d : dirs) {
                TarArchiveEntry e = new TarArchiveEntry(d);
                e.setMode(040755);
                tar.putArchiveEntry(e);
                tar.closeArchiveEntry();
            }
            for (Map.Entry<String, String> f : files.entrySet()) {
                byte[] body = f.getValue().getBytes(StandardCharsets.UTF_8);
                TarArchiveEntry e = new TarArchiveEntry(f.getKey());
                e.setMode(0100644);
                e.setSize(body.length);
                tar.putArchiveEntry(e);
                tar.write(body);
                tar.closeArchiveEntry();
            }
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        return out.toByteArray();
    }

    public static byte[] gzip(byte[] plain) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (GZIPOutputStream gz = new GZIPOutputStream(out)) {
            gz.write(plain);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        return out.toByteArray();
    }

    /** An OCI layout in {@code dir} with one image of these layers (plain tars, lowest first) under {@code tag}. */
    public static Made layout(Path dir, String tag, List<byte[]> tars, List<String> cmd) throws IOException {
        Made made = image(dir, tag, tars, cmd, "amd64");
        byte[] manifestBytes = Files.readAllBytes(dir.resolve("blobs/sha256/" + made.manifestDigest().substring(7)));
        ObjectNode index = JSON.createObjectNode();
        index.put("schemaVersion", 2);
        index.putArray("manifests").addObject().put("mediaType", "application/vnd.oci.image.manifest.v1+json")
                .put("digest", made.manifestDigest()).put("size", manifestBytes.length)
                .putObject("annotations").put("org.opencontainers.image.ref.name", tag);
        Files.write(dir.resolve("index.json"), JSON.writeValueAsBytes(index));
        Files.writeString(dir.resolve("oci-layout"), "{\"imageLayoutVersion\":\"1.0.0\"}");
        return made;
    }

    /** What {@link #platforms} made: the index's digest, and each platform's image by its architecture. */
    public record MadeIndex(Path layout, String tag, String indexDigest, Map<String, Made> images) {
    }

    /**
     * A layout whose tag names an OCI index of one linux image per architecture (each of these tars
     * and this command; push it with {@code skopeo copy --all}).
     */
    public static MadeIndex platforms(Path dir, String tag, Map<String, List<byte[]>> tarsByArchitecture,
                                      List<String> cmd) throws IOException {
        Map<String, Made> images = new java.util.LinkedHashMap<>();
        ObjectNode index = JSON.createObjectNode();
        index.put("schemaVersion", 2).put("mediaType", "application/vnd.oci.image.index.v1+json");
        ArrayNode entries = index.putArray("manifests");
        for (Map.Entry<String, List<byte[]>> e : tarsByArchitecture.entrySet()) {
            Made made = image(dir, tag, e.getValue(), cmd, e.getKey());
            images.put(e.getKey(), made);
            long size = Files.size(dir.resolve("blobs/sha256/" + made.manifestDigest().substring(7)));
            ObjectNode entry = entries.addObject().put("mediaType", "application/vnd.oci.image.manifest.v1+json")
                    .put("digest", made.manifestDigest()).put("size", size);
            entry.putObject("platform").put("architecture", e.getKey()).put("os", "linux");
        }
        byte[] indexBytes = JSON.writeValueAsBytes(index);
        String indexDigest = write(dir.resolve("blobs/sha256"), indexBytes);
        ObjectNode top = JSON.createObjectNode();
        top.put("schemaVersion", 2);
        top.putArray("manifests").addObject().put("mediaType", "application/vnd.oci.image.index.v1+json")
                .put("digest", indexDigest).put("size", indexBytes.length)
                .putObject("annotations").put("org.opencontainers.image.ref.name", tag);
        Files.write(dir.resolve("index.json"), JSON.writeValueAsBytes(top));
        Files.writeString(dir.resolve("oci-layout"), "{\"imageLayoutVersion\":\"1.0.0\"}");
        return new MadeIndex(dir, tag, indexDigest, images);
    }

    /** One image's blobs (layers, config, manifest) in the layout's blobs; no index. */
    private static Made image(Path dir, String tag, List<byte[]> tars, List<String> cmd, String architecture)
            throws IOException {
        Path blobs = Files.createDirectories(dir.resolve("blobs/sha256"));
        List<String> layers = new ArrayList<>();
        List<String> diffIds = new ArrayList<>();
        ArrayNode layerDescriptors = JSON.createArrayNode();
        for (byte[] t : tars) {
            byte[] gz = gzip(t);
            String digest = write(blobs, gz);
            layers.add(digest);
            diffIds.add(Digests.sha256(t));
            layerDescriptors.addObject().put("mediaType", "application/vnd.oci.image.layer.v1.tar+gzip")
                    .put("digest", digest).put("size", gz.length);
        }
        ObjectNode config = JSON.createObjectNode();
        config.put("architecture", architecture).put("os", "linux").put("created", "2026-12-05T00:00:00Z");
        ObjectNode c = config.putObject("config");
        c.putArray("Env").add("PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin");
        ArrayNode cmdNode = c.putArray("Cmd");
        cmd.forEach(cmdNode::add);
        ObjectNode rootfs = config.putObject("rootfs");
        rootfs.put("type", "layers");
        ArrayNode ids = rootfs.putArray("diff_ids");
        diffIds.forEach(ids::add);
        byte[] configBytes = JSON.writeValueAsBytes(config);
        String configDigest = write(blobs, configBytes);
        ObjectNode manifest = JSON.createObjectNode();
        manifest.put("schemaVersion", 2).put("mediaType", "application/vnd.oci.image.manifest.v1+json");
        manifest.putObject("config").put("mediaType", "application/vnd.oci.image.config.v1+json")
                .put("digest", configDigest).put("size", configBytes.length);
        manifest.set("layers", layerDescriptors);
        byte[] manifestBytes = JSON.writeValueAsBytes(manifest);
        String manifestDigest = write(blobs, manifestBytes);
        return new Made(dir, tag, manifestDigest, configDigest, layers, diffIds);
    }

    private static String write(Path blobs, byte[] bytes) throws IOException {
        String digest = Digests.sha256(bytes);
        Files.write(blobs.resolve(digest.substring(7)), bytes);
        return digest;
    }
}
