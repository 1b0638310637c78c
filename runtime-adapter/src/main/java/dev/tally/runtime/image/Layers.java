package dev.tally.runtime.image;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tally.domain.DomainException;
import dev.tally.runtime.Trees;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;

/**
 * Unpacked layers: {@code layers/<diff hex>/} is the layer's tree (an overlay lower directory), and
 * {@code layers/<diff hex>.json} its facts: its uncompressed size and the blobs it was unpacked from
 * (a layer may come gzip from one registry, zstd from another). Layers of an older tallyd have no
 * facts file. The blob to diff id index is in memory, read from the facts files at the first use.
 */
final class Layers {

    /** What the store knows of a layer beyond its tree. */
    record Facts(long size, Map<String, String> blobs) {
    }

    private final Path dir;
    private final Path tmp;
    private final DiskSync sync;
    private final ObjectMapper json = new ObjectMapper();
    private final Map<String, String> diffIdOfBlob = new ConcurrentHashMap<>();
    /**
     * A lock per layer for its tree and facts file: the commits of different layers, each with an
     * fsync of its facts file, go on at once (under one lock for the store, a layer's commit waited for
     * the fsyncs of all those before it, each some journal commit of the file system).
     */
    private final Map<String, Object> locks = new ConcurrentHashMap<>();
    private volatile boolean indexed;

    Layers(Path dir, Path tmp, DiskSync sync) {
        this.dir = dir;
        this.tmp = tmp;
        this.sync = sync;
    }

    Path dir() {
        return dir;
    }

    Path tree(String diffId) {
        return dir.resolve(Digests.hex(diffId));
    }

    private Path factsFile(String diffId) {
        return dir.resolve(Digests.hex(diffId) + ".json");
    }

    boolean has(String diffId) {
        return Files.isDirectory(tree(diffId), LinkOption.NOFOLLOW_LINKS);
    }

    /** The diff id of the layer this blob was unpacked to, when that layer is still there. */
    Optional<String> diffIdOf(String blobDigest) {
        index();
        String diffId = diffIdOfBlob.get(blobDigest);
        return diffId != null && has(diffId) ? Optional.of(diffId) : Optional.empty();
    }

    Optional<Facts> facts(String diffId) {
        Path file = factsFile(diffId);
        if (!Files.exists(file)) {
            return Optional.empty();
        }
        try {
            return Optional.of(json.readValue(file.toFile(), Facts.class));
        } catch (IOException e) {
            throw Blobs.failed("read the facts of layer " + diffId, e);
        }
    }

    /**
     * Puts an unpacked tree, synced already, in place (or drops it when the layer is there
     * already: same diff id, same files) and records that {@code blob} ({@code mediaType}) unpacks to
     * it. The renames are made durable with the directory, before an image record names the layer
     * ({@link ImageRecords#put}).
     */
    void commit(Path unpacked, String diffId, long size, String blob, String mediaType) throws IOException {
        synchronized (lockOf(diffId)) {
            Path tree = tree(diffId);
            if (Files.isDirectory(tree, LinkOption.NOFOLLOW_LINKS)) {
                Trees.delete(unpacked, "an unpacked copy of layer " + diffId);
            } else {
                Files.move(unpacked, tree, StandardCopyOption.ATOMIC_MOVE);
            }
            writeFacts(diffId, size, blob, mediaType);
        }
    }

    /** Records that {@code blob} ({@code mediaType}) also holds the layer {@code diffId}, which is unpacked already. */
    void recordBlob(String diffId, String blob, String mediaType) throws IOException {
        synchronized (lockOf(diffId)) {
            writeFacts(diffId, facts(diffId).map(Facts::size).orElse(0L), blob, mediaType);
        }
    }

    private void writeFacts(String diffId, long size, String blob, String mediaType) throws IOException {
        Map<String, String> blobs = new LinkedHashMap<>(facts(diffId).map(Facts::blobs).orElse(Map.of()));
        blobs.put(blob, mediaType);
        Path partial = Files.createTempFile(tmp, "layer", ".json");
        json.writeValue(partial.toFile(), new Facts(size, blobs));
        sync.file(partial);
        Files.move(partial, factsFile(diffId), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        diffIdOfBlob.put(blob, diffId);
    }

    private Object lockOf(String diffId) {
        return locks.computeIfAbsent(diffId, d -> new Object());
    }

    /** The blobs the facts of these layers name. */
    List<String> blobsOf(List<String> diffIds) {
        List<String> out = new ArrayList<>();
        for (String diffId : diffIds) {
            facts(diffId).ifPresent(f -> out.addAll(f.blobs().keySet()));
        }
        return out;
    }

    /** Every layer's diff id (trees and facts files alike). */
    List<String> all() {
        List<String> ids = new ArrayList<>();
        try (Stream<Path> files = Files.list(dir)) {
            files.map(p -> p.getFileName().toString()).map(n -> "sha256:" + (n.endsWith(".json") ? n.substring(0,
                    n.length() - 5) : n)).filter(Digests::isDigest).distinct().forEach(ids::add);
        } catch (IOException e) {
            throw Blobs.failed("list layers", e);
        }
        return ids;
    }

    /** The layer's size on disk as its facts say (0 when it has none). */
    long size(String diffId) {
        return facts(diffId).map(Facts::size).orElse(0L);
    }

    /** Removes a layer's tree and facts. CONFLICT while something is mounted under it. */
    void delete(String diffId) {
        synchronized (lockOf(diffId)) {
            facts(diffId).ifPresent(f -> f.blobs().keySet().forEach(diffIdOfBlob::remove));
            Trees.delete(tree(diffId), "layer " + diffId);
            try {
                Files.deleteIfExists(factsFile(diffId));
            } catch (IOException e) {
                throw Blobs.failed("remove the facts of layer " + diffId, e);
            }
        }
    }

    private void index() {
        if (indexed) {
            return;
        }
        synchronized (this) {
            if (indexed) {
                return;
            }
            for (String diffId : all()) {
                try {
                    facts(diffId).ifPresent(f -> f.blobs().keySet().forEach(b -> diffIdOfBlob.putIfAbsent(b, diffId)));
                } catch (DomainException unreadable) {
                    // an unreadable facts file: the layer is unpacked again when next put
                }
            }
            indexed = true;
        }
    }
}
