package dev.tally.domain.image;

import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Port: what an image's stored config says of it, for {@code image inspect} and {@code history}. */
public interface ImageDetails {

    /** Nothing known beyond the read model (a store that keeps no configs, tests). */
    ImageDetails NONE = imageId -> Optional.empty();

    /** The stored image's details; empty when the store no longer holds it. */
    Optional<Details> of(String imageId);

    /**
     * @param config     the config's {@code config} object as stored (Cmd, Entrypoint, Env, WorkingDir, User,
     *                   Labels, ExposedPorts, Volumes, …): JSON values as maps, lists, strings, numbers, booleans
     * @param layerSizes each layer's unpacked size, bottom first
     * @param history    the config's history, oldest first (empty when it has none)
     * @param diffIds    the layers' uncompressed digests, bottom first (the config's {@code rootfs.diff_ids}); the
     *                   read model of a pulled image names its layers by their blob digests instead
     * @param platform   the config's {@code os}, {@code architecture} and {@code variant} (empty when it names none)
     */
    record Details(String author, String comment, String created, String container, Map<String, Object> config,
                   List<Long> layerSizes, List<History> history, List<String> diffIds, Platform platform) {

        public Details {
            config = config == null ? Map.of() : java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(config));
            layerSizes = layerSizes == null ? List.of() : List.copyOf(layerSizes);
            history = history == null ? List.of() : List.copyOf(history);
            diffIds = diffIds == null ? List.of() : List.copyOf(diffIds);
            platform = platform == null ? Platform.UNSAID : platform;
        }

        /** Details of a config that names no platform. */
        public Details(String author, String comment, String created, String container, Map<String, Object> config,
                       List<Long> layerSizes, List<History> history, List<String> diffIds) {
            this(author, comment, created, container, config, layerSizes, history, diffIds, Platform.UNSAID);
        }

        /** Details that name no diff ids (the read model's layers stand for them). */
        public Details(String author, String comment, String created, String container, Map<String, Object> config,
                       List<Long> layerSizes, List<History> history) {
            this(author, comment, created, container, config, layerSizes, history, List.of());
        }
    }

    /** What a config says an image runs on; empty strings for what it does not say. */
    record Platform(String os, String architecture, String variant) {
        public static final Platform UNSAID = new Platform("", "", "");
    }

    /** One history entry: {@code emptyLayer} when it made no layer (a config step). */
    record History(String created, String createdBy, String comment, String author, boolean emptyLayer) {
    }
}
