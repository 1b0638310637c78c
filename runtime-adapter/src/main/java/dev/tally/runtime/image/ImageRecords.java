package dev.tally.runtime.image;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tally.domain.DomainException;
import dev.tally.domain.image.ImageStore.ImageConfig;
import dev.tally.domain.image.ImageStore.StoredImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * {@code images/<id hex>.json}, one per image: its layers' diff ids, size, container defaults and
 * manifest. Records of an older tallyd have no manifest fields; they are read as they are.
 */
final class ImageRecords {

    /** What is on disk for one image. {@code manifestDigest} and {@code manifestMediaType} are null in an older record. */
    record ImageRecord(String id, List<String> layers, long size, ImageConfig config, String manifestDigest,
                       String manifestMediaType) {
        StoredImage image() {
            return new StoredImage(id, layers, size, config, manifestDigest);
        }
    }

    private final Path dir;
    private final Path tmp;
    private final DiskSync sync;
    /** The directories content is renamed into (blobs, layers): synced before a record may name what they hold. */
    private final List<Path> contentDirs;
    private final ObjectMapper json = new ObjectMapper().configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);

    ImageRecords(Path dir, Path tmp, DiskSync sync, List<Path> contentDirs) {
        this.dir = dir;
        this.tmp = tmp;
        this.sync = sync;
        this.contentDirs = List.copyOf(contentDirs);
    }

    Optional<ImageRecord> find(String imageId) {
        String hex = imageId != null && imageId.startsWith("sha256:") ? imageId.substring(7) : imageId;
        if (hex == null || !hex.matches("[0-9a-f]{64}")) {
            return Optional.empty();
        }
        Path file = dir.resolve(hex + ".json");
        if (!Files.exists(file)) {
            return Optional.empty();
        }
        try {
            return Optional.of(json.readValue(file.toFile(), ImageRecord.class));
        } catch (IOException e) {
            throw new DomainException(DomainException.Kind.FAILED, "read image record " + file, e);
        }
    }

    ImageRecord get(String imageId) {
        return find(imageId).orElseThrow(() -> DomainException.notFound("No such image: " + imageId));
    }

    /**
     * Writes a record whole (a temporary file renamed over the old one), durably: the content
     * directories are synced first (every blob and layer tree was synced by its writer before its
     * rename into them, so what the record names is on the disk), then the record, then its
     * directory. The caller records the image's event after this, so a power loss never leaves an
     * event naming files the kernel had not yet written (the empty files of a layer renamed into
     * place). Content no event names is removed at the next start. Only the store's own files are
     * synced, never the whole file system ({@link DiskSync}).
     */
    void put(ImageRecord record) throws IOException {
        String hex = Digests.hex(record.id());
        Path partial = Files.createTempFile(tmp, "image", ".json");
        try {
            json.writeValue(partial.toFile(), record);
            sync.all(List.of(partial), contentDirs);
            Files.move(partial, dir.resolve(hex + ".json"), StandardCopyOption.ATOMIC_MOVE,
                    StandardCopyOption.REPLACE_EXISTING);
            sync.dirs(List.of(dir));
        } finally {
            Files.deleteIfExists(partial);
        }
    }

    void delete(String imageId) {
        try {
            Files.deleteIfExists(dir.resolve(Digests.hex(imageId) + ".json"));
        } catch (IOException e) {
            throw Blobs.failed("remove image record " + imageId, e);
        }
    }

    /** Every image id with a record. */
    List<String> ids() {
        List<String> ids = new ArrayList<>();
        try (Stream<Path> files = Files.list(dir)) {
            files.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".json"))
                    .map(n -> "sha256:" + n.substring(0, n.length() - 5)).filter(Digests::isDigest).forEach(ids::add);
        } catch (IOException e) {
            throw Blobs.failed("list image records", e);
        }
        return ids;
    }
}
