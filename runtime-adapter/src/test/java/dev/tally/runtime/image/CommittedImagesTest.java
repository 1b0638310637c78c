package dev.tally.runtime.image;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tally.domain.image.ContainerSnapshots.CommitConfig;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

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
}
