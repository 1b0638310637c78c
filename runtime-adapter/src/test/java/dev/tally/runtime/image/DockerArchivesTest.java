package dev.tally.runtime.image;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tally.domain.DomainException;
import dev.tally.domain.image.ImageArchives.Loaded;
import dev.tally.domain.image.ImageArchives.Saved;
import dev.tally.domain.image.ImageArchives.Saving;
import dev.tally.domain.image.ImageStore.StoredImage;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DockerArchivesTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path root;
    @TempDir
    Path other;

    private static Map<String, byte[]> entries(byte[] archive) throws IOException {
        Map<String, byte[]> out = new LinkedHashMap<>();
        try (TarArchiveInputStream tar = new TarArchiveInputStream(new ByteArrayInputStream(archive))) {
            TarArchiveEntry e;
            while ((e = tar.getNextEntry()) != null) {
                if (e.isFile()) {
                    out.put(e.getName(), tar.readAllBytes());
                }
            }
        }
        return out;
    }

    @Test
    void aSavedImageIsDockersArchiveAndAnOciLayoutAndLoadsBackIntoAnotherStore() throws IOException {
        LayeredImageStore store = new LayeredImageStore(root, LayeredImageStore.MAX_LAYER_BYTES, 0);
        TarBuilder tar = new TarBuilder().dir("etc").file("etc/hostname", "box");
        StoredImage image = store.importRootfs(tar.done());
        DockerArchives archives = new DockerArchives(store);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        List<Saved> saved = archives.save(List.of(new Saving(image.id(), List.of("box:1"))), out);
        assertEquals(saved.get(0), archives.plan(new Saving(image.id(), List.of("box:1"))), "the plan is what is written");
        Map<String, byte[]> entries = entries(out.toByteArray());
        JsonNode manifest = JSON.readTree(entries.get("manifest.json"));
        assertEquals("box:1", manifest.path(0).path("RepoTags").path(0).asText());
        String layer = manifest.path(0).path("Layers").path(0).asText();
        assertEquals("blobs/sha256/" + image.layers().get(0).substring(7), layer);
        assertTrue(java.util.Arrays.equals(tar.bytes(), entries.get(layer)), "the layer is the uncompressed tar");
        JsonNode index = JSON.readTree(entries.get("index.json"));
        assertEquals(saved.get(0).manifestDigest(), index.path("manifests").path(0).path("digest").asText());
        assertEquals("docker.io/library/box:1", index.path("manifests").path(0).path("annotations")
                .path("io.containerd.image.name").asText());
        assertEquals("{\"box\":{\"1\":\"" + image.layers().get(0).substring(7) + "\"}}",
                new String(entries.get("repositories"), java.nio.charset.StandardCharsets.UTF_8));

        LayeredImageStore second = new LayeredImageStore(other, LayeredImageStore.MAX_LAYER_BYTES, 0);
        List<Loaded> loaded = new DockerArchives(second).load(new ByteArrayInputStream(out.toByteArray()));
        assertEquals(1, loaded.size());
        assertEquals(image.id(), loaded.get(0).imageId());
        assertEquals(List.of("box:1"), loaded.get(0).references());
        assertEquals(image.layers(), second.get(image.id()).layers());
        JsonNode stored = JSON.readTree(second.manifest(image.id()).bytes());
        assertTrue(stored.path("layers").path(0).path("mediaType").asText().endsWith("gzip"),
                "a plain layer loaded is kept gzip, compressed once: " + stored);
        try (Stream<Path> left = Files.list(other.resolve("tmp"))) {
            assertEquals(0, left.count());
        }
    }

    @Test
    void namesThatClimbOutOfTheArchiveAreRefused() {
        assertEquals("a/b", DockerArchives.normalize("./a//b"));
        assertEquals("a/b", DockerArchives.normalize("/a/b"));
        assertEquals(DomainException.Kind.INVALID,
                assertThrows(DomainException.class, () -> DockerArchives.normalize("a/../../b")).kind());
    }

    @Test
    void aLayerThatIsNotTheOneItsConfigNamesIsRefused() throws IOException {
        LayeredImageStore store = new LayeredImageStore(root, LayeredImageStore.MAX_LAYER_BYTES, 0);
        byte[] layer = new TarBuilder().file("a", "1").bytes();
        byte[] config = JSON.writeValueAsBytes(Map.of("rootfs", Map.of("type", "layers",
                "diff_ids", List.of(Digests.of("other".getBytes())))));
        byte[] archive = new TarBuilder().fileBytes("l.tar", layer).fileBytes("c.json", config)
                .file("manifest.json", "[{\"Config\":\"c.json\",\"RepoTags\":[\"x:1\"],\"Layers\":[\"l.tar\"]}]").bytes();
        DomainException e = assertThrows(DomainException.class,
                () -> new DockerArchives(store).load(new ByteArrayInputStream(archive)));
        assertEquals(DomainException.Kind.INVALID, e.kind());
        assertTrue(e.getMessage().contains("where its config names"), e.getMessage());
    }

    @Test
    void theFullNameOfAFamiliarReference() {
        assertEquals("docker.io/library/busybox:latest", DockerArchives.fullName("busybox:latest"));
        assertEquals("docker.io/alice/app:1", DockerArchives.fullName("alice/app:1"));
        assertEquals("127.0.0.1:5000/app:1", DockerArchives.fullName("127.0.0.1:5000/app:1"));
        assertEquals("localhost/app:1", DockerArchives.fullName("localhost/app:1"));
    }
}
