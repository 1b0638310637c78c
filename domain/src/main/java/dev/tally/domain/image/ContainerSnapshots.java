package dev.tally.domain.image;

import java.io.OutputStream;
import java.util.List;
import java.util.Map;

/** Port: an image made of a layer of a container's changes on top of the image it ran ({@code docker commit}). */
public interface ContainerSnapshots {

    /**
     * Stores an image of {@code parentImageId}'s layers and one more, the uncompressed tar {@code layer}
     * writes (compressed once, as it is stored), whose config is the parent's with {@code config}
     * applied and one more history entry. The same parent, layer and config give the same image.
     * NOT_FOUND when the parent is not stored; INVALID for a layer over the store's limits; nothing of a
     * failed commit is kept but content {@link ImageStore#collect} removes.
     */
    Snapshot commit(String parentImageId, Layer layer, CommitConfig config);

    /** Writes a layer's tar; called once. */
    interface Layer {
        void writeTo(OutputStream out);
    }

    /**
     * What the new image's config takes from the container, over the parent's: an empty list or string
     * keeps the parent's value, except that an entrypoint given with no command clears the parent's
     * command (as a container runs it); {@code env} and {@code labels} are merged over the parent's by name.
     *
     * @param createdBy    the history entry's {@code created_by} (dockerd: the container's command)
     * @param created      the config's and the history entry's time, RFC 3339
     * @param exposedPorts ports ({@code 80/tcp}) added to the parent's
     * @param volumes      volume paths added to the parent's
     * @param stopSignal   the parent's stop signal replaced, when not empty
     */
    record CommitConfig(List<String> entrypoint, List<String> cmd, List<String> env, String workingDir, String user,
                        Map<String, String> labels, String containerId, String author, String comment,
                        String createdBy, String created, List<String> exposedPorts, List<String> volumes,
                        String stopSignal) {

        public CommitConfig {
            entrypoint = entrypoint == null ? List.of() : List.copyOf(entrypoint);
            cmd = cmd == null ? List.of() : List.copyOf(cmd);
            env = env == null ? List.of() : List.copyOf(env);
            labels = labels == null ? Map.of() : Map.copyOf(labels);
            exposedPorts = exposedPorts == null ? List.of() : List.copyOf(exposedPorts);
            volumes = volumes == null ? List.of() : List.copyOf(volumes);
            stopSignal = stopSignal == null ? "" : stopSignal;
        }

        /** No ports, volumes or stop signal of its own. */
        public CommitConfig(List<String> entrypoint, List<String> cmd, List<String> env, String workingDir, String user,
                            Map<String, String> labels, String containerId, String author, String comment,
                            String createdBy, String created) {
            this(entrypoint, cmd, env, workingDir, user, labels, containerId, author, comment, createdBy, created,
                    List.of(), List.of(), "");
        }
    }

    /** The image stored: its id, its new layer's blob digest, its manifest's digest, its layers' diff ids and size. */
    record Snapshot(String imageId, String layerDigest, String manifestDigest, List<String> layers, long size) {
    }
}
