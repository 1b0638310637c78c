package dev.tally.rest;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.tally.domain.image.ImageDetails;
import dev.tally.domain.image.query.ImageView;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** image inspect's Config and history's rows, from what an image's stored config says, as dockerd answers them. */
class ImageDetailsJsonTest {

    private static final ImageView IMAGE = new ImageView("sha256:beef", List.of("app:1"), List.of("sha256:l1", "sha256:l2"),
            300L, Instant.parse("2026-12-01T00:00:00Z"), List.of(), List.of(), true);

    @Test
    void inspectSaysThePlatformTheConfigSaysAndDockerdsDefaultsForAConfigThatSaysNone() {
        ImageDetails.Details arm = new ImageDetails.Details("", "", "", "", Map.of(), List.of(), List.of(), List.of(),
                new ImageDetails.Platform("linux", "arm64", "v8"));
        JsonObject json = DockerJson.imageInspect(IMAGE, Optional.of(arm));
        assertEquals(List.of("arm64", "v8", "linux"),
                List.of(json.getString("Architecture"), json.getString("Variant"), json.getString("Os")));
        JsonObject imported = DockerJson.imageInspect(IMAGE, Optional.of(
                new ImageDetails.Details("", "", "", "", Map.of(), List.of(), List.of())));
        assertEquals(List.of("amd64", "linux"), List.of(imported.getString("Architecture"), imported.getString("Os")));
        assertEquals(false, imported.containsKey("Variant"));
    }

    @Test
    void inspectGivesTheStoredConfigWholeOverDockerdsDefaults() {
        ImageDetails.Details d = new ImageDetails.Details("me", "msg", "", "c0ffee", Map.of("Cmd", List.of("sh"),
                "ExposedPorts", Map.of("80/tcp", Map.of()), "Volumes", Map.of("/data", Map.of())), List.of(), List.of());
        JsonObject json = DockerJson.imageInspect(IMAGE, Optional.of(d));
        JsonObject config = json.getJsonObject("Config");
        assertEquals(new JsonArray().add("sh"), config.getJsonArray("Cmd"));
        assertEquals(new JsonObject().put("80/tcp", new JsonObject()), config.getJsonObject("ExposedPorts"));
        assertEquals(new JsonObject().put("/data", new JsonObject()), config.getJsonObject("Volumes"));
        assertEquals("", config.getString("WorkingDir"));
        assertEquals(List.of("me", "msg", "c0ffee"), List.of(json.getString("Author"), json.getString("Comment"),
                json.getString("Container")));
    }

    @Test
    void historyRowsAreSizedByTheirLayerAndAnEmptyLayerIsZero() {
        ImageDetails.Details d = new ImageDetails.Details("", "", "", "", Map.of(), List.of(100L, 200L), List.of(
                new ImageDetails.History("2026-11-01T00:00:00Z", "ADD rootfs", "", "", false),
                new ImageDetails.History("2026-11-02T00:00:00Z", "ENV A=1", "", "", true),
                new ImageDetails.History("2026-11-03T00:00:00Z", "RUN make", "built", "", false)));
        JsonArray rows = DockerJson.imageHistory(IMAGE, Optional.of(d));
        assertEquals(3, rows.size());
        assertEquals(List.of(200L, 0L, 100L), rows.stream().map(r -> ((JsonObject) r).getLong("Size")).toList());
        assertEquals(List.of("sha256:beef", "<missing>", "<missing>"), rows.stream()
                .map(r -> ((JsonObject) r).getString("Id")).toList());
        assertEquals(List.of("RUN make", "built"), List.of(rows.getJsonObject(0).getString("CreatedBy"),
                rows.getJsonObject(0).getString("Comment")));
        assertEquals(Instant.parse("2026-11-01T00:00:00Z").getEpochSecond(), rows.getJsonObject(2).getLong("Created"));
    }

    @Test
    void anImportWithoutHistoryHasOneRowPerLayerEachWithItsSize() {
        ImageDetails.Details d = new ImageDetails.Details("", "", "", "", Map.of(), List.of(100L, 200L), List.of());
        JsonArray rows = DockerJson.imageHistory(IMAGE, Optional.of(d));
        assertEquals(List.of(200L, 100L), rows.stream().map(r -> ((JsonObject) r).getLong("Size")).toList());
    }

    @Test
    void rootFsNamesTheLayersByDiffIdEvenWhenTheReadModelKnowsThemByBlobDigest() {
        ImageDetails.Details d = new ImageDetails.Details("", "", "", "", Map.of(), List.of(100L, 200L), List.of(),
                List.of("sha256:d1", "sha256:d2"));
        assertEquals(new JsonArray().add("sha256:d1").add("sha256:d2"),
                DockerJson.imageInspect(IMAGE, Optional.of(d)).getJsonObject("RootFS").getJsonArray("Layers"));
        assertEquals(new JsonArray().add("sha256:l1").add("sha256:l2"),
                DockerJson.imageInspect(IMAGE, Optional.empty()).getJsonObject("RootFS").getJsonArray("Layers"));
    }
}
