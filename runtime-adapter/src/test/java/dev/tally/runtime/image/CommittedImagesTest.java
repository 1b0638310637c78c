package dev.tally.runtime.image;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tally.domain.DomainException;
import dev.tally.domain.image.ContainerSnapshots.CommitConfig;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The config a commit writes: the parent's, the commit's settings over it as dockerd merges them, one layer and one history entry more. */
class CommittedImagesTest {

    private static final String PARENT = "{\"architecture\":\"amd64\",\"os\":\"linux\",\"author\":\"someone\","
            + "\"config\":{\"Cmd\":[\"sh\"],\"Env\":[\"PATH=/bin\",\"KEEP=1\"],\"Labels\":{\"a\":\"1\"},"
            + "\"ExposedPorts\":{\"80/tcp\":{}}},\"rootfs\":{\"type\":\"layers\",\"diff_ids\":[\"sha256:aa\"]},"
            + "\"history\":[{\"created\":\"2026-01-01T00:00:00Z\",\"created_by\":\"base\"}]}";

    private static JsonNode config(CommitConfig c) throws Exception {
        return new ObjectMapper().readTree(CommittedImages.config(PARENT.getBytes(StandardCharsets.UTF_8), "sha256:bb", c));
    }

    @Test
    void theContainersSettingsGoOverTheParentsAndWhatTheyDoNotSayIsKept() throws Exception {
        JsonNode c = config(new CommitConfig(List.of(), List.of("cat", "/x"), List.of("KEEP=2", "NEW=3"), "/srv", "",
                Map.of("b", "2"), "c0ffee", "me", "first", "cat /x", "2026-12-05T06:00:00Z"));
        assertEquals("[\"cat\",\"/x\"]", c.path("config").path("Cmd").toString());
        assertEquals("[\"PATH=/bin\",\"KEEP=2\",\"NEW=3\"]", c.path("config").path("Env").toString());
        assertEquals("{\"a\":\"1\",\"b\":\"2\"}", c.path("config").path("Labels").toString());
        assertEquals("{\"80/tcp\":{}}", c.path("config").path("ExposedPorts").toString());
        assertEquals("/srv", c.path("config").path("WorkingDir").asText());
        assertEquals("[\"sha256:aa\",\"sha256:bb\"]", c.path("rootfs").path("diff_ids").toString());
        assertEquals(2, c.path("history").size());
        JsonNode last = c.path("history").get(1);
        assertEquals(List.of("cat /x", "first", "me"), List.of(last.path("created_by").asText(),
                last.path("comment").asText(), last.path("author").asText()));
        assertEquals(List.of("me", "first", "c0ffee"), List.of(c.path("author").asText(), c.path("comment").asText(),
                c.path("container").asText()));
    }

    @Test
    void anEntrypointGivenWithoutACommandClearsTheParentsCommandAndTheParentsAuthorIsNotKept() throws Exception {
        JsonNode c = config(new CommitConfig(List.of("/bin/app"), List.of(), List.of(), "", "", Map.of(), "c0ffee", "",
                "", "", "2026-12-05T06:00:00Z"));
        assertEquals("[\"/bin/app\"]", c.path("config").path("Entrypoint").toString());
        assertFalse(c.path("config").has("Cmd"));
        assertFalse(c.has("author"));
    }

    @Test
    void portsAndVolumesAreAddedToTheParentsAndTheStopSignalReplacesItsOwn() throws Exception {
        JsonNode c = config(new CommitConfig(List.of(), List.of(), List.of(), "", "", Map.of(), "c0ffee", "", "", "",
                "2026-12-05T06:00:00Z", List.of("53/udp"), List.of("/data"), "SIGINT"));
        assertEquals("{\"80/tcp\":{},\"53/udp\":{}}", c.path("config").path("ExposedPorts").toString());
        assertEquals("{\"/data\":{}}", c.path("config").path("Volumes").toString());
        assertEquals("SIGINT", c.path("config").path("StopSignal").asText());
    }

    /**
     * A commit's layer is held to the store's limit for a layer while it is written to tmp/, not only
     * once it is stored: a container's sparse file of a terabyte was written out whole, as zeros, onto
     * the data root's disk before the store's own check on reading it back said no. With a limit of
     * 1 MiB, a layer of 64 MiB is stopped after its first 2 (the buffer's 64 KiB aside), and tmp/ is left
     * empty.
     */
    @Test
    void aCommitsLayerIsHeldToTheLayerLimitWhileItIsWritten(@TempDir Path root) throws IOException {
        LayeredImageStore store = new LayeredImageStore(root, 1L << 20, 0);
        long[] written = {0};
        byte[] mib = new byte[1 << 20];
        DomainException e = assertThrows(DomainException.class, () -> new CommittedImages(store).written(out -> {
            try {
                for (int i = 0; i < 64; i++) {
                    out.write(mib);
                    written[0] += mib.length;
                }
            } catch (IOException io) {
                throw new java.io.UncheckedIOException(io);
            }
        }));
        assertEquals(DomainException.Kind.INVALID, e.kind(), e.getMessage());
        assertTrue(written[0] <= 2L << 20, "the layer wrote " + written[0] + " bytes before it was stopped");
        try (var left = Files.list(store.tmp())) {
            assertEquals(List.of(), left.toList());
        }
    }
}
