package dev.tally.runtime.image;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tally.domain.DomainException;
import dev.tally.domain.image.ImageDetails;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** {@link ImageDetails} from the {@link LayeredImageStore}: the config blob (the image id is its digest) and the unpacked layers' sizes. */
public final class StoredImageDetails implements ImageDetails {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final LayeredImageStore store;

    public StoredImageDetails(LayeredImageStore store) {
        this.store = store;
    }

    @Override
    public Optional<Details> of(String imageId) {
        ImageRecords.ImageRecord record;
        byte[] config;
        try {
            record = store.record(imageId);
            config = store.blobBytes(imageId);
        } catch (DomainException e) {
            if (e.kind() == DomainException.Kind.NOT_FOUND) {
                return Optional.empty();
            }
            throw e;
        }
        JsonNode root = Manifests.tree(config, "image config");
        List<Long> sizes = new ArrayList<>();
        for (String diffId : record.layers()) {
            sizes.add(store.uncompressedSize(diffId));
        }
        List<History> history = new ArrayList<>();
        for (JsonNode h : root.path("history")) {
            history.add(new History(h.path("created").asText(""), h.path("created_by").asText(""),
                    h.path("comment").asText(""), h.path("author").asText(""), h.path("empty_layer").asBoolean(false)));
        }
        @SuppressWarnings("unchecked")
        Map<String, Object> cfg = root.path("config").isObject() ? JSON.convertValue(root.get("config"), Map.class)
                : Map.of();
        return Optional.of(new Details(root.path("author").asText(""), root.path("comment").asText(""),
                root.path("created").asText(""), root.path("container").asText(""), cfg, sizes, history, record.layers(),
                new ImageDetails.Platform(root.path("os").asText(""), root.path("architecture").asText(""),
                        root.path("variant").asText(""))));
    }
}
