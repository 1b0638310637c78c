package dev.tally.domain.image;

import dev.tally.domain.container.query.ContainerQueries;
import dev.tally.domain.container.query.ContainerView;
import dev.tally.domain.host.LeftoverRemovals;
import dev.tally.domain.host.event.HostLeftoverRemoved;
import dev.tally.domain.image.query.ImageQueries;
import dev.tally.domain.image.query.ImageView;
import java.util.HashSet;
import java.util.Set;

/**
 * Brings the image store in line with the log at start-up: content that an import, pull or load
 * wrote before a crash kept its event from being stored (an image record, its blobs and layers), or
 * that a removal did not finish collecting, belongs to no image of the log. Each piece is removed,
 * its removal recorded first ({@link HostLeftoverRemoved}, kind {@code image}, {@code blob} or
 * {@code layer}), once however often it is cut short ({@link LeftoverRemovals}). Images the log has,
 * and those its containers were made from, are live. Run once, before the daemon serves.
 */
public class ImageReconciliation {

    private final LeftoverRemovals leftovers;
    private final ImageStore store;
    private final ImageQueries images;
    private final ContainerQueries containers;

    public ImageReconciliation(LeftoverRemovals leftovers, ImageStore store, ImageQueries images,
                               ContainerQueries containers) {
        this.leftovers = leftovers;
        this.store = store;
        this.images = images;
        this.containers = containers;
    }

    /** The ids of every image the log still holds, directly or through a container. */
    public static Set<String> live(ImageQueries images, ContainerQueries containers) {
        Set<String> live = new HashSet<>();
        images.list().stream().map(ImageView::id).forEach(live::add);
        containers.list(true).stream().map(ContainerView::imageId).forEach(live::add);
        return live;
    }

    public void reconcile() {
        java.util.List<ImageStore.Content> unreferenced = store.unreferenced(live(images, containers));
        for (String kind : java.util.List.of(ImageStore.Content.IMAGE, ImageStore.Content.BLOB, ImageStore.Content.LAYER)) {
            leftovers.forgetFinished(kind, unreferenced.stream().filter(c -> c.kind().equals(kind))
                    .map(ImageStore.Content::digest).collect(java.util.stream.Collectors.toSet()));
        }
        for (ImageStore.Content c : unreferenced) {
            try {
                leftovers.remove(c.kind(), c.digest(), reason(c), () -> store.remove(c));
            } catch (RuntimeException e) {
                System.err.println("tallyd: removing image content " + c.kind() + " " + c.digest() + ", which no image "
                        + "of the log holds, failed: " + e.getMessage());
            }
        }
    }

    private static String reason(ImageStore.Content c) {
        String what = switch (c.kind()) {
            case ImageStore.Content.IMAGE -> "an image record";
            case ImageStore.Content.LAYER -> "an unpacked layer (" + c.bytes() + " bytes)";
            default -> "a blob (" + c.bytes() + " bytes)";
        };
        return what + " in the image store but of no image of the log (an import, pull or load cut short before "
                + "its event, or a removal not finished)";
    }
}
