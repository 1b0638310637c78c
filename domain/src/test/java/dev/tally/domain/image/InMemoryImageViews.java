package dev.tally.domain.image;

import dev.tally.domain.image.event.ImageCommitted;
import dev.tally.domain.image.event.ImageImported;
import dev.tally.domain.image.event.ImageLoaded;
import dev.tally.domain.image.event.ImagePulled;
import dev.tally.domain.image.event.ImageReferenceMoved;
import dev.tally.domain.image.event.ImageRemoved;
import dev.tally.domain.image.event.ImageUntagged;
import dev.tally.domain.image.query.ImageHolder;
import dev.tally.domain.image.query.ImageQueries;
import dev.tally.domain.image.query.ImageView;
import dev.tally.domain.image.query.ReferenceView;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.axonframework.eventhandling.EventHandler;

/** The images' read model in memory, by the rules of the real one (ImageProjection). */
final class InMemoryImageViews implements ImageQueries {

    private final Map<String, ImageView> images = new LinkedHashMap<>();
    private final Map<String, ReferenceView> refs = new LinkedHashMap<>();

    @EventHandler
    void on(ImageImported e) {
        provided(e.imageId(), e.layers(), e.size(), e.at(), e.actor());
        ReferenceView current = refs.get(e.reference());
        if (current == null || !current.imageId().equals(e.imageId())) {
            refs.put(e.reference(), new ReferenceView(e.reference(), e.imageId(), e.actor().uid(), e.actor().user()));
        }
    }

    /** As the real model: the puller holds it, everyone when no credentials were needed; the name points at it. */
    @EventHandler
    void on(ImagePulled e) {
        ImageView known = images.get(e.imageId());
        List<ImageHolder> holders = new ArrayList<>(known == null ? List.of() : known.holders());
        holders.removeIf(h -> h.is(e.actor()));
        holders.add(ImageHolder.of(e.actor()));
        images.put(e.imageId(), new ImageView(e.imageId(), List.of(), e.layers(), e.size(),
                known == null ? e.at() : known.created(), List.of(), holders,
                !e.authenticated() || (known != null && known.anyone())));
        ReferenceView current = refs.get(e.reference());
        if (!e.reference().contains("@") && (current == null || !current.imageId().equals(e.imageId()))) {
            refs.put(e.reference(), new ReferenceView(e.reference(), e.imageId(), e.actor().uid(), e.actor().user()));
        }
    }

    @EventHandler
    void on(ImageCommitted e) {
        provided(e.imageId(), e.layers(), e.size(), e.at(), e.actor());
    }

    @EventHandler
    void on(ImageLoaded e) {
        provided(e.imageId(), e.layers(), e.size(), e.at(), e.actor());
    }

    private void provided(String imageId, List<String> layers, long size, java.time.Instant at, dev.tally.domain.Actor actor) {
        ImageView known = images.get(imageId);
        List<ImageHolder> holders = new ArrayList<>(known == null ? List.of() : known.holders());
        holders.removeIf(h -> h.is(actor));
        holders.add(ImageHolder.of(actor));
        images.put(imageId, new ImageView(imageId, List.of(), layers, size, known == null ? at : known.created(),
                List.of(), holders, false));
    }

    @EventHandler
    void on(ImageReferenceMoved e) {
        refs.put(e.reference(), new ReferenceView(e.reference(), e.toImageId(), e.actor().uid(), e.actor().user()));
    }

    @EventHandler
    void on(ImageUntagged e) {
        refs.remove(e.reference());
    }

    @EventHandler
    void on(ImageRemoved e) {
        images.remove(e.imageId());
    }

    /** An image someone pulled (no event of this module brings one yet): {@code anyone} when without credentials. */
    void pulled(ImageView image) {
        images.put(image.id(), image);
    }

    private ImageView withTags(ImageView i) {
        List<String> tags = refs.values().stream().filter(r -> r.imageId().equals(i.id())).map(ReferenceView::reference)
                .sorted().toList();
        return new ImageView(i.id(), tags, i.layers(), i.size(), i.created(), i.digests(), i.holders(), i.anyone());
    }

    @Override
    public List<ImageView> candidates(String ref) {
        String key = ref.startsWith("sha256:") ? ref.substring(7) : ref;
        String normalized = ImageReference.normalizedOrAsIs(ref);
        return images.values().stream().map(this::withTags).filter(i -> i.id().substring(7).startsWith(key)
                || i.tags().contains(normalized)).toList();
    }

    @Override
    public List<ImageView> list() {
        return images.values().stream().map(this::withTags).toList();
    }

    @Override
    public Optional<ReferenceView> reference(String normalized) {
        return Optional.ofNullable(refs.get(normalized));
    }
}
