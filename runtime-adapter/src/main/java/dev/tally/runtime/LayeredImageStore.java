package dev.tally.runtime;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tally.domain.DomainException;
import dev.tally.domain.image.ImageStore;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.GZIPInputStream;

/**
 * Image content on disk: layer tars and image configs as blobs named by their sha256 digest
 * ({@code blobs/sha256/…}), each layer unpacked once under {@code layers/<hex>} for overlay
 * lower directories, and a small record per image under {@code images/<hex>.json}.
 */
public final class LayeredImageStore implements ImageStore {

    private final Path blobs;
    private final Path layers;
    private final Path images;
    /** An imported layer's largest size once decompressed (a gzip bomb stops here): 16 GiB. */
    public static final long MAX_LAYER_BYTES = 16L << 30;
    /** Free space an import leaves on the data root's disk, which holds the event store: 1 GiB. */
    public static final long KEEP_FREE_BYTES = 1L << 30;

    private final Path tmp;
    private final long maxLayerBytes;
    private final long keepFreeBytes;
    private final ObjectMapper json = new ObjectMapper();

    public LayeredImageStore(Path root) {
        this(root, MAX_LAYER_BYTES, KEEP_FREE_BYTES);
    }

    /** A store whose imports stop at {@code maxLayerBytes} decompressed, or at {@code keepFreeBytes} left free. */
    public LayeredImageStore(Path root, long maxLayerBytes, long keepFreeBytes) {
        this.maxLayerBytes = maxLayerBytes;
        this.keepFreeBytes = keepFreeBytes;
        this.blobs = root.resolve("blobs/sha256");
        this.layers = root.resolve("layers");
        this.images = root.resolve("images");
        this.tmp = root.resolve("tmp");
        try {
            for (Path p : List.of(blobs, layers, images, tmp)) {
                Files.createDirectories(p);
            }
        } catch (IOException e) {
            throw new DomainException(DomainException.Kind.FAILED, "create image store under " + root, e);
        }
    }

    @Override
    public StoredImage importRootfs(InputStream tar) {
        Path blob = null;
        Path unpacking = null;
        try {
            blob = Files.createTempFile(tmp, "layer", ".tar");
            String diffHex;
            long size;
            MessageDigest sha = sha256();
            try (InputStream in = decompressed(tar);
                 OutputStream out = new DigestOutputStream(Files.newOutputStream(blob), sha)) {
                size = boundedCopy(in, out);
            }
            diffHex = HexFormat.of().formatHex(sha.digest());
            Path layerDir = layers.resolve(diffHex);
            if (!Files.isDirectory(layerDir)) {
                unpacking = Files.createTempDirectory(tmp, "unpack");
                try (InputStream in = Files.newInputStream(blob)) {
                    new SafeTarExtractor(unpacking).extract(in);
                }
                Files.setAttribute(unpacking, "unix:mode", 0755);
                Files.move(unpacking, layerDir, StandardCopyOption.ATOMIC_MOVE);
                unpacking = null;
            }
            Files.move(blob, blobs.resolve(diffHex), StandardCopyOption.REPLACE_EXISTING);
            blob = null;
            ImageConfig config = new ImageConfig(List.of(), List.of(), List.of(), "", "");
            Map<String, Object> ociConfig = new LinkedHashMap<>();
            ociConfig.put("architecture", "amd64");
            ociConfig.put("os", "linux");
            ociConfig.put("config", Map.of());
            ociConfig.put("rootfs", Map.of("type", "layers", "diff_ids", List.of("sha256:" + diffHex)));
            byte[] configBytes = json.writeValueAsBytes(ociConfig);
            String idHex = HexFormat.of().formatHex(sha256().digest(configBytes));
            Files.write(blobs.resolve(idHex), configBytes);
            StoredImage image = new StoredImage("sha256:" + idHex, List.of("sha256:" + diffHex), size, config);
            Path record = images.resolve(idHex + ".json");
            Path partial = tmp.resolve(idHex + ".json");
            json.writeValue(partial.toFile(), image);
            Files.move(partial, record, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            return image;
        } catch (IOException e) {
            throw DomainException.invalid("import: the archive could not be read as a tar: " + e.getMessage());
        } finally {
            deleteQuietly(blob);
            deleteQuietly(unpacking);
        }
    }

    @Override
    public StoredImage get(String imageId) {
        String hex = imageId.startsWith("sha256:") ? imageId.substring(7) : imageId;
        Path record = images.resolve(hex + ".json");
        if (!hex.matches("[0-9a-f]{64}") || !Files.exists(record)) {
            throw DomainException.notFound("No such image: " + imageId);
        }
        try {
            return json.readValue(record.toFile(), StoredImage.class);
        } catch (IOException e) {
            throw new DomainException(DomainException.Kind.FAILED, "read image record " + record, e);
        }
    }

    /** Unpacked layer directories of an image, top layer first, as overlay wants them. */
    public List<Path> layerDirs(String imageId) {
        List<Path> dirs = new java.util.ArrayList<>();
        for (String d : get(imageId).layers()) {
            dirs.add(0, layers.resolve(d.substring(7)));
        }
        return dirs;
    }

    /** Copies the decompressed layer; INVALID past the size limit, or when the disk's free space would fall below the reserve. */
    private long boundedCopy(InputStream in, OutputStream out) throws IOException {
        byte[] buf = new byte[65536];
        long copied = 0;
        long checkedAt = 0;
        for (int n; (n = in.read(buf)) > 0; ) {
            copied += n;
            if (copied > maxLayerBytes) {
                throw DomainException.invalid("import: the layer is larger than the limit of " + maxLayerBytes
                        + " bytes once decompressed");
            }
            if (copied - checkedAt >= (16L << 20) || checkedAt == 0) {
                checkedAt = copied;
                if (Files.getFileStore(tmp).getUsableSpace() - n < keepFreeBytes) {
                    throw DomainException.invalid("import: the layer would leave less than " + keepFreeBytes
                            + " bytes free on the data root's disk (kept for the event store)");
                }
            }
            out.write(buf, 0, n);
        }
        return copied;
    }

    private static InputStream decompressed(InputStream raw) throws IOException {
        BufferedInputStream in = new BufferedInputStream(raw, 65536);
        in.mark(2);
        int b1 = in.read();
        int b2 = in.read();
        in.reset();
        return b1 == 0x1f && b2 == 0x8b ? new GZIPInputStream(in, 65536) : in;
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JDK", e);
        }
    }

    private static void deleteQuietly(Path p) {
        if (p == null) {
            return;
        }
        try {
            Trees.delete(p, "temporary " + p.getFileName());
        } catch (DomainException ignored) {
            // a leftover under tmp/ is harmless
        }
    }
}
