package dev.tally.domain.image;

import dev.tally.domain.Actor;
import dev.tally.domain.DomainException;
import dev.tally.domain.KeyedLocks;
import dev.tally.domain.References;
import dev.tally.domain.access.AccessControl;
import dev.tally.domain.container.ContainerStatus;
import dev.tally.domain.container.query.ContainerQueries;
import dev.tally.domain.container.query.ContainerView;
import dev.tally.domain.image.command.RemoveImage;
import dev.tally.domain.image.command.UntagImage;
import dev.tally.domain.image.query.ImageQueries;
import dev.tally.domain.image.query.ImageView;
import dev.tally.domain.image.query.ReferenceView;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Predicate;
import org.axonframework.commandhandling.gateway.CommandGateway;

/**
 * {@code docker rmi} and {@code docker image prune}, by Docker's rules, with the reference rules of
 * {@link ImageService} (untagging moves a reference: its owner or an admin) and these for users: an
 * image goes only when no one else brought it here (another holder's image loses only the caller's
 * references), and only images the caller may use are found. An image a container uses (any
 * container, any state) stays: {@code rmi} is a 409 for it unless forced, and forced it loses its
 * references but keeps its content while the container needs it (Docker deletes it under a stopped
 * container; tally's containers run on the image's layers).
 */
public class ImageRemoval {

    /** One line of Docker's answer: {@code {"Untagged": ref}} or {@code {"Deleted": id}}. */
    public record Line(String untagged, String deleted) {

        public static Line untagged(String ref) {
            return new Line(ref, null);
        }

        public static Line deleted(String id) {
            return new Line(null, id);
        }
    }

    /** What a prune removed, and the bytes it freed (the images' sizes). */
    public record Pruned(List<Line> lines, long reclaimed) {
    }

    private final CommandGateway commands;
    private final ImageQueries images;
    private final ContainerQueries containers;
    private final AccessControl access;
    private final KeyedLocks locks;
    private final ImageService service;
    private final ImageStore store;

    /** @param store collects, after each removal, the content no image of the log holds any more */
    public ImageRemoval(CommandGateway commands, ImageQueries images, ContainerQueries containers, AccessControl access,
                        KeyedLocks locks, ImageService service, ImageStore store) {
        this.commands = commands;
        this.images = images;
        this.containers = containers;
        this.access = access;
        this.locks = locks;
        this.service = service;
        this.store = store;
    }

    /**
     * {@code docker rmi [-f] REF}. By a name: that reference goes (its owner or an admin; DENIED,
     * recorded), and the image with it when it was the last and nothing holds the image. By an id: every
     * reference goes (CONFLICT unless {@code force} when there are several) and the image. CONFLICT when
     * the image would go while a container uses it, unless {@code force} (then only references go), and
     * always while one runs. NOT_FOUND for an image the caller may not use.
     */
    public List<Line> remove(String ref, boolean force, Actor actor) {
        ImageView found = service.require(ref, actor, "image.remove");
        return locks.exclusively("image/" + found.id(), () -> {
            ImageView image = images.candidates(found.id()).stream().filter(i -> i.id().equals(found.id())).findFirst()
                    .orElseThrow(() -> VisibleImages.noSuchImage(ref));
            Optional<String> byName = nameIn(ref, image);
            List<ContainerView> users = containersOf(image.id());
            List<Line> lines = new ArrayList<>();
            if (byName.isPresent()) {
                String name = byName.get();
                requireMayUntag(name, actor);
                boolean last = image.tags().size() == 1;
                if (last && !users.isEmpty()) {
                    ContainerView user = users.get(0);
                    if (!force || running(user)) {
                        throw DomainException.conflict("conflict: unable to remove repository reference \""
                                + VisibleImages.displayed(ref) + "\" (must force) - container " + named(user, actor)
                                + " is using its referenced image " + shortId(image.id()));
                    }
                }
                untag(image.id(), name, actor, lines);
                if (last && users.isEmpty() && mayDelete(image, actor)) {
                    delete(image, "rmi", actor, lines);
                }
                return lines;
            }
            if (image.tags().size() > 1 && !force) {
                throw DomainException.conflict("conflict: unable to delete " + shortId(image.id())
                        + " (must be forced) - image is referenced in multiple repositories");
            }
            Optional<ContainerView> runningUser = users.stream().filter(ImageRemoval::running).findFirst();
            if (runningUser.isPresent()) {
                throw DomainException.conflict("conflict: unable to delete " + shortId(image.id())
                        + " (cannot be forced) - image is being used by running container "
                        + named(runningUser.get(), actor));
            }
            if (!users.isEmpty() && !force) {
                throw DomainException.conflict("conflict: unable to delete " + shortId(image.id())
                        + " (must be forced) - image is being used by stopped container " + named(users.get(0), actor));
            }
            if (!mayDelete(image, actor)) {
                throw access.deny(actor, "image.remove", "image/" + image.id(), "the image was brought by another user too",
                        new DomainException(DomainException.Kind.DENIED, "authorization denied: image "
                                + shortId(image.id()) + " is also another user's or an admin's: remove your own "
                                + "references to it by name instead"));
            }
            for (String tag : image.tags()) {
                requireMayUntag(tag, actor);
            }
            for (String tag : image.tags()) {
                untag(image.id(), tag, actor, lines);
            }
            if (users.isEmpty()) {
                delete(image, "rmi", actor, lines);
            }
            return lines;
        });
    }

    /**
     * {@code docker image prune}: the images the caller could remove by id without force that no container
     * uses; dangling ones only (no reference) unless {@code all}; those {@code also} accepts.
     */
    public Pruned prune(boolean all, Predicate<ImageView> also, Actor actor) {
        List<Line> lines = new ArrayList<>();
        long reclaimed = 0;
        for (ImageView candidate : service.visible().list(actor)) {
            if ((!all && !candidate.tags().isEmpty()) || !also.test(candidate) || !mayDelete(candidate, actor)
                    || candidate.tags().stream().anyMatch(t -> !mayUntag(t, actor))) {
                continue;
            }
            boolean gone = locks.exclusively("image/" + candidate.id(), () -> {
                Optional<ImageView> now = images.candidates(candidate.id()).stream()
                        .filter(i -> i.id().equals(candidate.id())).findFirst();
                if (now.isEmpty() || !containersOf(candidate.id()).isEmpty() || (!all && !now.get().tags().isEmpty())) {
                    return false;
                }
                for (String tag : now.get().tags()) {
                    untag(candidate.id(), tag, actor, lines);
                }
                delete(now.get(), "prune", actor, lines);
                return true;
            });
            if (gone) {
                reclaimed += candidate.size();
            }
        }
        return new Pruned(lines, reclaimed);
    }

    private void untag(String imageId, String ref, Actor actor, List<Line> lines) {
        commands.sendAndWait(new UntagImage(imageId, ref, actor));
        lines.add(Line.untagged(ref));
    }

    private void delete(ImageView image, String via, Actor actor, List<Line> lines) {
        commands.sendAndWait(new RemoveImage(image.id(), image.layers(), via, actor));
        lines.add(Line.deleted(image.id()));
        collect();
    }

    /**
     * Removes the content no image of the log holds (the read model's images, and every container's, even
     * one whose image is gone). The removal is recorded already: content that stays behind after a
     * failure here is only disk space, collected by the next removal.
     */
    private void collect() {
        java.util.Set<String> live = new java.util.HashSet<>();
        images.list().forEach(i -> live.add(i.id()));
        containers.list(true).forEach(c -> live.add(c.imageId()));
        try {
            store.collect(live);
        } catch (DomainException leftForLater) {
            // recorded already; the next removal collects it
        }
    }

    /** An admin removes any image; a user one that no one else brought here. */
    private boolean mayDelete(ImageView image, Actor actor) {
        return access.isAdmin(actor) || !VisibleImages.heldByOthers(image, actor);
    }

    private boolean mayUntag(String ref, Actor actor) {
        return images.reference(ref).map(r -> service.mayMove(r, actor)).orElse(true);
    }

    private void requireMayUntag(String ref, Actor actor) {
        Optional<ReferenceView> view = images.reference(ref);
        if (view.isPresent()) {
            service.requireMayMove(view.get(), actor, "image.remove");
        }
    }

    /** The reference, normalized, when {@code ref} named the image by one of its tags rather than by id. */
    private static Optional<String> nameIn(String ref, ImageView image) {
        String hex = image.id().startsWith("sha256:") ? image.id().substring(7) : image.id();
        String key = ref.startsWith("sha256:") ? ref.substring(7) : ref;
        if (key.equals(hex) || (References.looksLikeId(key) && hex.startsWith(key))) {
            return Optional.empty(); // an id names the image before any name does (References)
        }
        try {
            ImageReference parsed = ImageReference.parse(ref);
            return !parsed.byDigest() && image.tags().contains(parsed.familiar()) ? Optional.of(parsed.familiar())
                    : Optional.empty();
        } catch (DomainException notAName) {
            return Optional.empty();
        }
    }

    private List<ContainerView> containersOf(String imageId) {
        return containers.list(true).stream().filter(c -> c.imageId().equals(imageId)).toList();
    }

    private static boolean running(ContainerView c) {
        return c.status() == ContainerStatus.RUNNING || c.status() == ContainerStatus.STARTING;
    }

    /** A container's short id for whoever may see it; "of another user" for anyone else. */
    private String named(ContainerView c, Actor actor) {
        boolean sees = access.isAdmin(actor) || (c.owner() != null && c.owner().uid() == actor.uid()
                && (actor.uid() != -1 || c.owner().user().equals(actor.user())));
        return sees ? c.id().substring(0, Math.min(12, c.id().length())) : "of another user";
    }

    static String shortId(String imageId) {
        String hex = imageId.startsWith("sha256:") ? imageId.substring(7) : imageId;
        return hex.substring(0, Math.min(12, hex.length()));
    }
}
