package dev.tally.domain.image;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tally.domain.Actor;
import dev.tally.domain.DomainException;
import dev.tally.domain.KeyedLocks;
import dev.tally.domain.access.AccessControl;
import dev.tally.domain.access.AccessPolicy;
import dev.tally.domain.access.event.AccessDenied;
import dev.tally.domain.image.event.ImageLoaded;
import dev.tally.domain.image.event.ImageReferenceMoved;
import dev.tally.domain.image.event.ImageSaved;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.function.Supplier;
import org.axonframework.config.Configuration;
import org.axonframework.config.DefaultConfigurer;
import org.axonframework.eventhandling.EventMessage;
import org.axonframework.eventsourcing.eventstore.inmemory.InMemoryEventStorageEngine;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** save and load follow the image rules: who may use an image, who may move a reference, all on the record. */
class ImageArchivingTest {

    private static final Actor ROOT = ImageServiceTest.ROOT;
    private static final Actor ALICE = ImageServiceTest.ALICE;
    private static final Actor BOB = ImageServiceTest.BOB;
    private static final String BUSYBOX = "sha256:" + "b".repeat(64);
    private static final String ALICES = "sha256:" + "a".repeat(64);

    private final InMemoryEventStorageEngine log = new InMemoryEventStorageEngine();
    private final InMemoryImageViews views = new InMemoryImageViews();
    private final Configuration axon = DefaultConfigurer.defaultConfiguration()
            .configureEmbeddedEventStore(c -> log)
            .configureAggregate(Image.class)
            .eventProcessing(ep -> ep.usingSubscribingEventProcessors().registerEventHandler(c -> views))
            .buildConfiguration();
    private final ImageArchiving archiving;

    ImageArchivingTest() {
        axon.start();
        KeyedLocks inOrder = new KeyedLocks() {
            @Override
            public <T> T exclusively(String key, Supplier<T> steps) {
                return steps.get();
            }
        };
        // the content store is the archives' (below); the service only decides and records
        ImageService rules = new ImageService(axon.commandGateway(), null, views,
                new AccessControl(axon.eventGateway(), AccessPolicy.defaults()), inOrder);
        archiving = new ImageArchiving(axon.commandGateway(), new LinesArchives(), views, rules);
    }

    @AfterEach
    void stop() {
        axon.shutdown();
    }

    /** An archive here is lines of {@code IMAGE-ID [REFERENCE…]}. */
    private static InputStream archive(String... lines) {
        return new ByteArrayInputStream(String.join("\n", lines).getBytes(StandardCharsets.UTF_8));
    }

    private List<Object> events() {
        return log.readEvents(null, false).map(EventMessage::getPayload).map(Object.class::cast).toList();
    }

    private <T> List<T> events(Class<T> type) {
        return events().stream().filter(type::isInstance).map(type::cast).toList();
    }

    @Test
    void aLoadRecordsEachImageThenOneMoveForEachReferenceAndOnlyTheLoaderAndAdminsUseIt() {
        List<String> lines = archiving.load(archive(ALICES + " alice/app:1 alice/app:2", BUSYBOX), ALICE);
        assertEquals(List.of("Loaded image: alice/app:1", "Loaded image: alice/app:2", "Loaded image ID: " + BUSYBOX),
                lines);
        List<Object> recorded = events();
        assertTrue(recorded.get(0) instanceof ImageLoaded && recorded.get(1) instanceof ImageLoaded, recorded.toString());
        assertEquals(List.of("alice/app:1", "alice/app:2"), events(ImageReferenceMoved.class).stream()
                .peek(m -> assertEquals(List.of(ALICES, "", "load", ALICE), List.of(m.toImageId(), m.fromImageId(),
                        m.via(), m.actor())))
                .map(ImageReferenceMoved::reference).toList());
        assertEquals(ALICES, archiving.resolve(List.of("alice/app:1"), ALICE).get(0).imageId());
        assertEquals(DomainException.Kind.NOT_FOUND,
                assertThrows(DomainException.class, () -> archiving.resolve(List.of("alice/app:1"), BOB)).kind());
        assertEquals(ALICES, archiving.resolve(List.of("alice/app:1"), ROOT).get(0).imageId());
    }

    @Test
    void aUserNeverLoadsOverAReferenceSomeoneElseMadeAndNothingOfThatLoadIsRecorded() {
        archiving.load(archive(BUSYBOX + " busybox:latest"), ROOT);
        int before = events().size();
        DomainException refused = assertThrows(DomainException.class,
                () -> archiving.load(archive(ALICES + " alice/app:1 busybox"), ALICE));
        assertEquals(DomainException.Kind.DENIED, refused.kind());
        List<Object> after = events().subList(before, events().size());
        assertEquals(1, after.size(), after.toString());
        AccessDenied denied = (AccessDenied) after.get(0);
        assertEquals(List.of("image.load", 403), List.of(denied.action(), denied.status()));
        assertEquals(BUSYBOX, views.reference("busybox:latest").orElseThrow().imageId());
        assertTrue(views.reference("alice/app:1").isEmpty(), "no reference of a refused load moved");
    }

    @Test
    void loadingWhatAReferenceAlreadyPointsAtIsNoMoveAndIsAllowed() {
        archiving.load(archive(BUSYBOX + " busybox:latest"), ROOT);
        archiving.load(archive(BUSYBOX + " busybox:latest"), ALICE);
        assertEquals(1, events(ImageReferenceMoved.class).size());
        assertEquals(0, views.reference("busybox:latest").orElseThrow().ownerUid(), "root still owns it");
        assertEquals(List.of(ROOT, ALICE), events(ImageLoaded.class).stream().map(ImageLoaded::actor).toList());
    }

    @Test
    void aUserNeverSavesAnImageTheyMayNotUseAndTheAttemptIsRecordedAsForAMissingOne() {
        archiving.load(archive(ALICES + " alice/app:1"), ALICE);
        DomainException hidden = assertThrows(DomainException.class,
                () -> archiving.resolve(List.of("alice/app:1"), BOB));
        DomainException missing = assertThrows(DomainException.class,
                () -> archiving.resolve(List.of("bob/none:1"), BOB));
        assertEquals(missing.getMessage().replace("bob/none:1", "alice/app:1"), hidden.getMessage());
        AccessDenied denied = events(AccessDenied.class).get(0);
        assertEquals(List.of("image.save", 404), List.of(denied.action(), denied.status()));
        assertTrue(events(ImageSaved.class).isEmpty());

        ByteArrayOutputStream out = new ByteArrayOutputStream();
        archiving.save(archiving.resolve(List.of("alice/app:1"), ALICE), ALICE, out);
        assertEquals(ALICES + "\n", out.toString(StandardCharsets.UTF_8));
        ImageSaved saved = events(ImageSaved.class).get(0);
        assertEquals(List.of(ALICES, List.of("alice/app:1"), ALICE), List.of(saved.imageId(), saved.references(),
                saved.actor()));
    }

    /** Archives as lines: what a load stores is taken as stored. */
    private static final class LinesArchives implements ImageArchives {
        @Override
        public List<Saved> save(List<Saving> images, OutputStream out) {
            try {
                for (Saving i : images) {
                    out.write((i.imageId() + "\n").getBytes(StandardCharsets.UTF_8));
                }
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
            return images.stream().map(this::plan).toList();
        }

        @Override
        public Saved plan(Saving image) {
            return new Saved(image.imageId(), image.references(), "sha256:" + "f".repeat(64), List.of("sha256:l1"));
        }

        @Override
        public List<Loaded> load(InputStream archive) {
            try {
                return new String(archive.readAllBytes(), StandardCharsets.UTF_8).lines().map(l -> l.split(" "))
                        .map(w -> new Loaded(w[0], Arrays.asList(w).subList(1, w.length), "sha256:" + "e".repeat(64),
                                List.of("sha256:l1"), 10L)).toList();
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        }
    }
}
