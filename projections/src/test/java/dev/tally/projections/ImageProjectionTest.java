package dev.tally.projections;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tally.domain.Actor;
import dev.tally.domain.image.event.ImageImported;
import dev.tally.domain.image.event.ImageReferenceMoved;
import dev.tally.domain.image.event.ImageRemoved;
import dev.tally.domain.image.event.ImageTagged;
import dev.tally.domain.image.event.ImageUntagged;
import dev.tally.domain.image.query.ImageHolder;
import dev.tally.domain.image.query.ImageView;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The images' read model on H2: who holds an image, who owns a reference, and how a reference finds an image. */
class ImageProjectionTest {

    private static final Actor ROOT = new Actor(0, 0, "root", 1, "unix:pid=1");
    private static final Actor ALICE = new Actor(1000, 1000, "alice", 2, "unix:pid=2", List.of("alice", "tally"), null, "");
    private static final Actor BOB = new Actor(1001, 1001, "bob", 3, "unix:pid=3", List.of("bob", "tally"), null, "");
    private static final String A = "sha256:" + "a".repeat(64);
    private static final String B = "sha256:" + "b".repeat(64);
    private static final Instant T = Instant.parse("2026-12-05T03:00:00Z");

    private final Connection connection;
    private final ImageProjection images;

    ImageProjectionTest() throws SQLException {
        connection = DriverManager.getConnection("jdbc:h2:mem:image-projection-test");
        images = new ImageProjection(new OneConnection(connection));
        images.createSchema();
    }

    @AfterEach
    void close() throws SQLException {
        connection.close();
    }

    @Test
    void anImportMakesItsActorAHolderAndTheReferencesOwner() {
        images.on(new ImageImported(A, "docker.io/library/busybox:latest", List.of("sha256:l1"), 10, ROOT, T));
        images.on(new ImageImported(A, "alice/bb", List.of("sha256:l1"), 10, ALICE, T.plusSeconds(1)));
        ImageView a = images.find("busybox").orElseThrow();
        assertEquals(List.of("alice/bb:latest", "busybox:latest"), a.tags());
        assertEquals(List.of(ImageHolder.of(ROOT), ImageHolder.of(ALICE)), a.holders());
        assertEquals(T, a.created(), "first seen");
        assertEquals(0, images.reference("busybox:latest").orElseThrow().ownerUid());
        assertEquals(1000, images.reference("alice/bb:latest").orElseThrow().ownerUid());
    }

    @Test
    void aReferenceAlreadyPointingThereKeepsItsOwnerAndAMoveChangesIt() {
        images.on(new ImageImported(A, "busybox:latest", List.of(), 10, ROOT, T));
        images.on(new ImageTagged(A, "busybox:latest", ALICE, T));
        assertEquals(0, images.reference("busybox:latest").orElseThrow().ownerUid(), "an old re-import moved nothing");
        images.on(new ImageImported(B, "alice/x:1", List.of(), 10, ALICE, T));
        images.on(new ImageReferenceMoved(B, "busybox:latest", A, "tag", ROOT, T));
        assertEquals(B, images.find("busybox").orElseThrow().id());
        images.on(new ImageReferenceMoved(B, "alice/x:1", B, "tag", BOB, T));
        assertEquals(1001, images.reference("alice/x:1").orElseThrow().ownerUid(), "a recorded move always owns");
    }

    @Test
    void untagAndRemoveTakeTheReferenceAndTheImageAway() {
        images.on(new ImageImported(A, "alice/x:1", List.of(), 10, ALICE, T));
        images.on(new ImageUntagged(B, "alice/x:1", ALICE, T));
        assertTrue(images.reference("alice/x:1").isPresent(), "an untag of another image leaves it");
        images.on(new ImageUntagged(A, "alice/x:1", ALICE, T));
        assertTrue(images.reference("alice/x:1").isEmpty());
        assertEquals(List.of(), images.list().get(0).tags());
        images.on(new ImageRemoved(A, List.of(), "rmi", ALICE, T));
        assertTrue(images.list().isEmpty());
        assertTrue(images.candidates(A).isEmpty());
    }

    @Test
    void aPullWithoutCredentialsIsEveryonesAndItsDigestNamesTheImage() {
        String manifest = "sha256:" + "c".repeat(64);
        images.pulled(A, "localhost:5000/app:1", List.of(), 10, T, BOB, false, manifest);
        images.pulled(B, "localhost:5000/secret:1", List.of(), 10, T, BOB, true, "sha256:" + "d".repeat(64));
        assertTrue(images.find("localhost:5000/app:1").orElseThrow().anyone());
        assertFalse(images.find("localhost:5000/secret:1").orElseThrow().anyone());
        assertEquals(A, images.find("localhost:5000/app@" + manifest).orElseThrow().id());
        assertEquals(List.of("localhost:5000/app@" + manifest), images.find(A).orElseThrow().digests());
        assertTrue(images.find("localhost:5000/other@" + manifest).isEmpty(), "a digest names an image in its repository");
        assertEquals(A, images.find("localhost:5000/app@" + A).orElseThrow().id(), "or by its id where it has a tag");
    }

    @Test
    void anIdPrefixOfFourDigitsOrMoreFindsTheImage() {
        images.on(new ImageImported(A, "alice/x:1", List.of(), 10, ALICE, T));
        images.on(new ImageImported(B, "alice/y:1", List.of(), 10, ALICE, T));
        assertEquals(A, images.find("aaaa").orElseThrow().id());
        assertEquals(B, images.find("sha256:bbbbbbbbbbbb").orElseThrow().id());
        assertTrue(images.find("aaa").isEmpty());
    }
}
