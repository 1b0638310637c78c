package dev.tally.domain.image;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tally.domain.Actor;
import dev.tally.domain.DomainException;
import dev.tally.domain.KeyedLocks;
import dev.tally.domain.access.AccessControl;
import dev.tally.domain.access.AccessPolicy;
import dev.tally.domain.access.event.AccessDenied;
import dev.tally.domain.container.ContainerConfig;
import dev.tally.domain.container.ContainerStatus;
import dev.tally.domain.container.query.ContainerQueries;
import dev.tally.domain.container.query.ContainerView;
import dev.tally.domain.image.event.ImageImported;
import dev.tally.domain.image.event.ImageReferenceMoved;
import dev.tally.domain.image.event.ImageRemoved;
import dev.tally.domain.image.event.ImageUntagged;
import dev.tally.domain.image.query.ImageHolder;
import dev.tally.domain.image.query.ImageView;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.axonframework.config.Configuration;
import org.axonframework.config.DefaultConfigurer;
import org.axonframework.eventhandling.EventMessage;
import org.axonframework.eventsourcing.eventstore.inmemory.InMemoryEventStorageEngine;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The reference, visibility and removal rules of images, on the Image aggregate with an in-memory log and read model. */
class ImageServiceTest {

    static final Actor ROOT = new Actor(0, 0, "root", 1, "unix:pid=1");
    static final Actor CAROL = new Actor(1002, 1002, "carol", 44, "unix:pid=44", List.of("carol", "tally-admin"), null, "");
    static final Actor ALICE = new Actor(1000, 1000, "alice", 42, "unix:pid=42", List.of("alice", "tally"), null, "");
    static final Actor BOB = new Actor(1001, 1001, "bob", 43, "unix:pid=43", List.of("bob", "tally"), null, "");

    private final InMemoryEventStorageEngine log = new InMemoryEventStorageEngine();
    private final InMemoryImageViews views = new InMemoryImageViews();
    private final List<ContainerView> containers = new ArrayList<>();
    /** The images live at each collection of content. */
    private final List<Set<String>> collected = new ArrayList<>();
    private final Configuration axon = DefaultConfigurer.defaultConfiguration()
            .configureEmbeddedEventStore(c -> log)
            .configureAggregate(Image.class)
            .eventProcessing(ep -> ep.usingSubscribingEventProcessors().registerEventHandler(c -> views))
            .buildConfiguration();
    private AccessControl access;
    private ImageService images;
    private ImageRemoval removal;

    ImageServiceTest() {
        axon.start();
        use(AccessPolicy.defaults());
    }

    private void use(AccessPolicy policy) {
        access = new AccessControl(axon.eventGateway(), policy);
        KeyedLocks inOrder = new KeyedLocks() {
            @Override
            public <T> T exclusively(String key, Supplier<T> steps) {
                return steps.get();
            }
        };
        images = new ImageService(axon.commandGateway(), new ContentStore(), views, access, inOrder);
        removal = new ImageRemoval(axon.commandGateway(), views, new Containers(), access, inOrder, images,
                new ContentStore());
    }

    @AfterEach
    void stop() {
        axon.shutdown();
    }

    private String imported(String content, String ref, Actor actor) {
        return images.importRootfs(new ByteArrayInputStream(content.getBytes(StandardCharsets.UTF_8)), ref, actor);
    }

    private List<Object> events() {
        return log.readEvents(null, false).map(EventMessage::getPayload).map(Object.class::cast).toList();
    }

    private List<Object> eventsOf(Runnable action) {
        int before = events().size();
        action.run();
        List<Object> all = events();
        return all.subList(before, all.size());
    }

    private List<AccessDenied> denials() {
        return events().stream().filter(AccessDenied.class::isInstance).map(AccessDenied.class::cast).toList();
    }

    private static DomainException.Kind kindOf(Runnable action) {
        return assertThrows(DomainException.class, action::run).kind();
    }

    @Test
    void aUserNeverRetargetsAReferenceAnAdminMade() {
        String busybox = imported("busybox", "busybox", ROOT);
        String alices = imported("alice's", "alice/tools:1", ALICE);
        assertEquals(DomainException.Kind.DENIED, kindOf(() -> images.tag(alices, "busybox:latest", ALICE)));
        assertEquals(DomainException.Kind.DENIED, kindOf(() -> imported("other", "docker.io/library/busybox", ALICE)));
        assertEquals(DomainException.Kind.DENIED, kindOf(() -> images.moveReference("busybox", alices, "pull", ALICE)));
        assertEquals(List.of("image.tag", "image.import", "image.pull"),
                denials().stream().map(AccessDenied::action).toList());
        assertEquals(busybox, views.reference("busybox:latest").orElseThrow().imageId());
    }

    @Test
    void aUserNeverRetargetsAReferenceAnotherUserMade() {
        String alices = imported("alice's", "tools:1", ALICE);
        String bobs = imported("bob's", "bob/tools:1", BOB);
        assertEquals(DomainException.Kind.DENIED, kindOf(() -> images.tag(bobs, "tools:1", BOB)));
        assertEquals(alices, views.reference("tools:1").orElseThrow().imageId());
        assertEquals(403, denials().get(0).status());
    }

    @Test
    void theUserWhoMadeAReferenceMovesItAndEveryMoveNamesTheOldAndTheNewImage() {
        String first = imported("one", "alice/app:1", ALICE);
        String second = imported("two", "alice/app:2", ALICE);
        List<Object> moved = eventsOf(() -> images.tag(second, "alice/app:1", ALICE));
        assertEquals(List.of(new ImageReferenceMoved(second, "alice/app:1", first, "tag", ALICE,
                ((ImageReferenceMoved) moved.get(0)).at())), moved);
        List<Object> reimported = eventsOf(() -> imported("one", "alice/app:1", ALICE));
        assertEquals(2, reimported.size());
        assertTrue(reimported.get(0) instanceof ImageImported);
        ImageReferenceMoved back = (ImageReferenceMoved) reimported.get(1);
        assertEquals(List.of(second, first, "import"), List.of(back.fromImageId(), back.toImageId(), back.via()));
    }

    @Test
    void anAdminMovesAnyReferenceAndThenOwnsIt() {
        String alices = imported("alice's", "tools:1", ALICE);
        String busybox = imported("busybox", "busybox", ROOT);
        images.tag(busybox, "tools:1", CAROL);
        assertEquals(busybox, views.reference("tools:1").orElseThrow().imageId());
        assertEquals(DomainException.Kind.DENIED, kindOf(() -> images.tag(alices, "tools:1", ALICE)));
    }

    @Test
    void pointingAReferenceWhereItPointsChangesNothingAndRecordsNothing() {
        String busybox = imported("busybox", "busybox", ROOT);
        assertTrue(eventsOf(() -> images.tag(busybox, "busybox:latest", ALICE)).isEmpty());
        assertEquals(0, views.reference("busybox:latest").orElseThrow().ownerUid(), "root still owns it");
    }

    @Test
    void aRepositoryThatReadsAsAnIdIsRefusedAndRecordedAndADigestIsNoTag() {
        String busybox = imported("busybox", "busybox", ROOT);
        String hex = busybox.substring(7, 19);
        assertEquals(DomainException.Kind.INVALID, kindOf(() -> images.tag("busybox", hex, ALICE)));
        assertEquals(400, denials().get(0).status());
        assertEquals(DomainException.Kind.INVALID, kindOf(() -> images.tag("busybox", "x@" + busybox, ALICE)));
        assertEquals(DomainException.Kind.INVALID, kindOf(() -> images.tag("busybox", "Not A Name", ALICE)));
        assertEquals(1, denials().size(), "what is no name is not recorded");
    }

    @Test
    void aUsersImageIsAbsentForOtherUsersAsAMissingOneIs() {
        String alices = imported("alice's", "alice/tools:1", ALICE);
        assertEquals(List.of(), images.visible().list(BOB));
        DomainException hidden = assertThrows(DomainException.class, () -> images.require("alice/tools:1", BOB, "image.inspect"));
        DomainException missing = assertThrows(DomainException.class, () -> images.require("bob/none:1", BOB, "image.inspect"));
        assertEquals(DomainException.Kind.NOT_FOUND, hidden.kind());
        assertEquals(missing.getMessage().replace("bob/none:1", "alice/tools:1"), hidden.getMessage());
        assertEquals(404, denials().get(0).status(), "the attempt is on the record");
        assertEquals(DomainException.Kind.NOT_FOUND, kindOf(() -> images.tag(alices.substring(7, 19), "bob/mine", BOB)));
        assertEquals(alices, images.require("alice/tools:1", ALICE, "image.inspect").id());
        assertEquals(alices, images.require("alice/tools:1", CAROL, "image.inspect").id());
    }

    @Test
    void everyUserMayUseWhatAnAdminBrought() {
        String busybox = imported("busybox", "busybox", ROOT);
        String carols = imported("carol's", "carol/base", CAROL);
        assertEquals(Set.of(busybox, carols), Set.copyOf(images.visible().list(BOB).stream().map(ImageView::id).toList()));
    }

    @Test
    void importingTheSameContentProvesTheUserHoldsIt() {
        String alices = imported("same", "alice/x", ALICE);
        assertEquals(alices, imported("same", "bob/x", BOB));
        assertEquals(alices, images.require("bob/x", BOB, "image.inspect").id());
        assertEquals(alices, images.require("alice/x", BOB, "image.inspect").id(), "the same image, under alice's name too");
    }

    @Test
    void anImagePulledWithoutCredentialsIsEveryonesAndWithThemOnlyThePullers() {
        views.pulled(new ImageView("sha256:" + "a".repeat(64), List.of(), List.of(), 1, Instant.EPOCH, List.of(),
                List.of(ImageHolder.of(ALICE)), true));
        views.pulled(new ImageView("sha256:" + "b".repeat(64), List.of(), List.of(), 1, Instant.EPOCH, List.of(),
                List.of(ImageHolder.of(ALICE)), false));
        assertEquals(List.of("sha256:" + "a".repeat(64)), images.visible().list(BOB).stream().map(ImageView::id).toList());
        assertEquals(2, images.visible().list(ALICE).size());
    }

    @Test
    void usersPullOnlyFromTheRegistriesThePolicyNamesAndEachRefusalIsRecorded() {
        use(new AccessPolicy(Set.of(), Set.of(), List.of(), Map.of(), Set.of("registry.example:5000")));
        images.checkPull("registry.example:5000/team/app:1", ALICE);
        DomainException e = assertThrows(DomainException.class, () -> images.checkPull("busybox", ALICE));
        assertEquals(DomainException.Kind.DENIED, e.kind());
        assertTrue(e.getMessage().contains("pulling from docker.io is not allowed"), e.getMessage());
        images.checkPull("busybox", ROOT);
        assertEquals(List.of("image.pull"), denials().stream().map(AccessDenied::action).toList());
    }

    @Test
    void rmiOfOneOfSeveralNamesOnlyUntagsAndOfTheLastRemovesTheImage() {
        String id = imported("alice's", "alice/a", ALICE);
        images.tag(id, "alice/b", ALICE);
        assertEquals(List.of(ImageRemoval.Line.untagged("alice/a:latest")), removal.remove("alice/a", false, ALICE));
        assertEquals(List.of(ImageRemoval.Line.untagged("alice/b:latest"), ImageRemoval.Line.deleted(id)),
                removal.remove("alice/b:latest", false, ALICE));
        assertEquals(List.of(Set.of()), collected, "collected once, with no image live");
        assertTrue(views.list().isEmpty());
        assertTrue(events().stream().anyMatch(ImageRemoved.class::isInstance));
    }

    @Test
    void rmiByIdOfAnImageWithSeveralNamesNeedsForce() {
        String id = imported("alice's", "alice/a", ALICE);
        images.tag(id, "alice/b", ALICE);
        assertEquals(DomainException.Kind.CONFLICT, kindOf(() -> removal.remove(id.substring(7, 19), false, ALICE)));
        List<ImageRemoval.Line> lines = removal.remove(id.substring(7, 19), true, ALICE);
        assertEquals(3, lines.size());
        assertEquals(ImageRemoval.Line.deleted(id), lines.get(2));
    }

    @Test
    void anImageAContainerUsesIsAConflictUnlessForcedAndForcedItKeepsItsContent() {
        String id = imported("alice's", "alice/a", ALICE);
        containers.add(container(id, ContainerStatus.EXITED));
        DomainException e = assertThrows(DomainException.class, () -> removal.remove("alice/a", false, ALICE));
        assertEquals(DomainException.Kind.CONFLICT, e.kind());
        assertTrue(e.getMessage().contains("must force"), e.getMessage());
        assertEquals(List.of(ImageRemoval.Line.untagged("alice/a:latest")), removal.remove("alice/a", true, ALICE));
        assertEquals(1, views.list().size(), "the container still runs on it");
        assertTrue(collected.isEmpty());
    }

    @Test
    void anImageARunningContainerUsesCannotBeRemovedEvenForced() {
        String id = imported("alice's", "alice/a", ALICE);
        containers.add(container(id, ContainerStatus.RUNNING));
        DomainException e = assertThrows(DomainException.class, () -> removal.remove(id, true, ALICE));
        assertTrue(e.getMessage().contains("cannot be forced"), e.getMessage());
    }

    @Test
    void aUserRemovesNeitherAnotherUsersReferenceNorAnImageOthersBrought() {
        String busybox = imported("busybox", "busybox", ROOT);
        images.tag("busybox", "alice/bb", ALICE);
        assertEquals(DomainException.Kind.DENIED, kindOf(() -> removal.remove("busybox", true, ALICE)));
        assertEquals(DomainException.Kind.DENIED, kindOf(() -> removal.remove(busybox, true, ALICE)));
        assertEquals(List.of(ImageRemoval.Line.untagged("alice/bb:latest")), removal.remove("alice/bb", false, ALICE));
        assertEquals(2, denials().size());
        assertEquals(List.of("busybox:latest"), views.list().get(0).tags());
    }

    @Test
    void pruneRemovesTheCallersUnusedDanglingImagesOrWithAllEveryUnusedOneTheyMayRemove() {
        String dangling = imported("one", "alice/a", ALICE);
        String tagged = imported("two", "alice/b", ALICE);
        String used = imported("three", "alice/c", ALICE);
        String busybox = imported("busybox", "busybox", ROOT);
        removal.remove("alice/a", true, ALICE); // the last name: the image goes
        images.tag(tagged, "alice/d", ALICE);
        removal.remove("alice/d", false, ALICE);
        containers.add(container(used, ContainerStatus.EXITED));
        assertTrue(removal.prune(false, i -> true, ALICE).lines().isEmpty());
        ImageRemoval.Pruned all = removal.prune(true, i -> true, ALICE);
        assertEquals(List.of(ImageRemoval.Line.untagged("alice/b:latest"), ImageRemoval.Line.deleted(tagged)), all.lines());
        assertEquals(Set.of(used, busybox), Set.copyOf(views.list().stream().map(ImageView::id).toList()));
        assertFalse(views.list().stream().anyMatch(i -> i.id().equals(dangling)));
    }

    private ContainerView container(String imageId, ContainerStatus status) {
        ContainerConfig config = new ContainerConfig("x", List.of(), List.of("true"), List.of(), "", "", "", Map.of(),
                false, false, List.of(), ContainerConfig.Limits.NONE, "none", false, ContainerConfig.HostAccess.NONE);
        return new ContainerView("c0ffee" + "0".repeat(58), "web", config, imageId, ALICE, Instant.EPOCH, status, 0, 0,
                null, null, "", List.of());
    }

    private final class Containers implements ContainerQueries {
        @Override
        public Optional<ContainerView> find(String ref) {
            return containers.stream().filter(c -> c.id().equals(ref)).findFirst();
        }

        @Override
        public List<ContainerView> list(boolean all) {
            return List.copyOf(containers);
        }

        @Override
        public AutoCloseable subscribe(Consumer<ContainerView> listener) {
            return () -> { };
        }
    }

    /** Content addressed by the digest of its bytes; collections are noted. */
    private final class ContentStore implements ImageStore {
        @Override
        public StoredImage importRootfs(InputStream tar) {
            try {
                byte[] bytes = tar.readAllBytes();
                String id = "sha256:" + HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
                return new StoredImage(id, List.of(id.replace("sha256:", "sha256:1")), bytes.length, null);
            } catch (IOException | NoSuchAlgorithmException e) {
                throw new IllegalStateException(e);
            }
        }

        @Override
        public StoredImage get(String imageId) {
            throw new AssertionError("not needed");
        }

        @Override
        public List<Content> collect(Set<String> liveImageIds) {
            collected.add(Set.copyOf(liveImageIds));
            return List.of();
        }

        @Override
        public boolean hasBlob(String digest) {
            throw new AssertionError("not needed");
        }

        @Override
        public void putBlob(String digest, long size, InputStream in) {
            throw new AssertionError("not needed");
        }

        @Override
        public String putLayer(String digest, long size, String mediaType, InputStream in) {
            throw new AssertionError("not needed");
        }

        @Override
        public InputStream openBlob(String digest) {
            throw new AssertionError("not needed");
        }

        @Override
        public long blobSize(String digest) {
            throw new AssertionError("not needed");
        }

        @Override
        public StoredImage storeImage(byte[] manifest, String mediaType) {
            throw new AssertionError("not needed");
        }

        @Override
        public Manifest manifest(String imageId) {
            throw new AssertionError("not needed");
        }

        @Override
        public List<Content> unreferenced(Set<String> liveImageIds) {
            throw new AssertionError("not needed");
        }

        @Override
        public void remove(Content content) {
            throw new AssertionError("not needed");
        }
    }
}
