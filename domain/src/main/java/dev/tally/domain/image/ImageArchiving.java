package dev.tally.domain.image;

import dev.tally.domain.Actor;
import dev.tally.domain.DomainException;
import dev.tally.domain.image.ImageArchives.Loaded;
import dev.tally.domain.image.ImageArchives.Saved;
import dev.tally.domain.image.ImageArchives.Saving;
import dev.tally.domain.image.command.LoadImage;
import dev.tally.domain.image.command.RecordSave;
import dev.tally.domain.image.query.ImageQueries;
import dev.tally.domain.image.query.ImageView;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.axonframework.commandhandling.gateway.CommandGateway;

/**
 * {@code docker save} and {@code docker load}. A save finds each image among those the caller may use
 * ({@link ImageService#require}: another user's image is absent, as a missing one is) and is recorded
 * ({@code ImageSaved}, one per image) before the first byte leaves. A load stores the archive's
 * content, then decides every reference it would move by {@link ImageService#checkMove} (a refusal
 * refuses the whole load, recorded, and nothing of it is recorded as loaded: its content is collected
 * later), then records each image ({@code ImageLoaded}: the loader may use it) and moves each of its
 * references by {@link ImageService#moveReference} (one {@code ImageReferenceMoved} per move).
 */
public class ImageArchiving {

    private final CommandGateway commands;
    private final ImageArchives archives;
    private final ImageQueries images;
    private final ImageService rules;

    public ImageArchiving(CommandGateway commands, ImageArchives archives, ImageQueries images, ImageService rules) {
        this.commands = commands;
        this.archives = archives;
        this.images = images;
        this.rules = rules;
    }

    /**
     * What a save of these names would write, each image once with the references it was named by
     * (an image named by its id carries none). NOT_FOUND ({@code No such image: NAME}) for a name
     * that is none of the images the caller may use (recorded when it is another user's); checked
     * before anything is recorded or sent.
     */
    public List<Saving> resolve(List<String> names, Actor actor) {
        if (names == null || names.isEmpty()) {
            throw DomainException.invalid("save needs at least one image");
        }
        Map<String, List<String>> byImage = new LinkedHashMap<>();
        for (String name : names) {
            ImageView image = rules.require(name, actor, "image.save");
            List<String> refs = byImage.computeIfAbsent(image.id(), id -> new ArrayList<>());
            Optional<String> reference = referenceOf(name, image);
            if (reference.isPresent() && !refs.contains(reference.get())) {
                refs.add(reference.get());
            }
        }
        List<Saving> out = new ArrayList<>();
        byImage.forEach((id, refs) -> out.add(new Saving(id, refs)));
        return out;
    }

    /** The reference a name gives an image in an archive: the name itself when it is one of the image's tags. */
    private static Optional<String> referenceOf(String name, ImageView image) {
        try {
            String normalized = ImageReference.normalize(name);
            return image.tags().contains(normalized) ? Optional.of(normalized) : Optional.empty();
        } catch (DomainException notAName) {
            return Optional.empty();
        }
    }

    /** Records the save of each image (resolved by {@link #resolve}), then writes the archive to {@code out}. */
    public void save(List<Saving> saving, Actor actor, OutputStream out) {
        for (Saving s : saving) {
            Saved plan = archives.plan(s);
            commands.sendAndWait(new RecordSave(s.imageId(), s.references(), plan.manifestDigest(), plan.layers(), actor));
        }
        archives.save(saving, out);
    }

    /**
     * Loads an archive; returns Docker's lines ({@code Loaded image: NAME}, or {@code Loaded image ID:
     * ID} for an image the archive names not). INVALID for an archive that is none; the refusals of
     * {@link ImageService#checkMove} (recorded) for a reference that would move, before anything is
     * recorded; a refusal of {@link ImageService#moveReference} (the reference changed hands while the
     * archive was stored) after the images are recorded, the references before it moved.
     */
    public List<String> load(InputStream archive, Actor actor) {
        List<Loaded> loaded = archives.load(archive);
        for (Loaded l : loaded) {
            for (String ref : l.references()) {
                String normalized = ImageReference.normalize(ref);
                boolean pointsThereAlready = images.reference(normalized).filter(r -> r.imageId().equals(l.imageId()))
                        .isPresent();
                if (!pointsThereAlready) {
                    rules.checkMove(ref, actor, "image.load");
                }
            }
        }
        List<String> lines = new ArrayList<>();
        for (Loaded l : loaded) {
            commands.sendAndWait(new LoadImage(l.imageId(), l.references(), l.manifestDigest(), l.layers(), l.size(),
                    actor));
        }
        for (Loaded l : loaded) {
            for (String ref : l.references()) {
                rules.moveReference(ref, l.imageId(), "load", actor);
            }
            if (l.references().isEmpty()) {
                lines.add("Loaded image ID: " + l.imageId());
            }
            for (String ref : l.references()) {
                lines.add("Loaded image: " + ImageReference.normalize(ref));
            }
        }
        return lines;
    }
}
