package dev.tally.domain.access;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.tally.domain.Actor;
import dev.tally.domain.access.event.AccessDenied;
import dev.tally.domain.container.ContainerConfig;
import dev.tally.domain.container.Grantee;
import dev.tally.domain.container.event.ContainerAccessGranted;
import dev.tally.domain.container.event.ContainerAccessRevoked;
import dev.tally.domain.container.event.ContainerCreated;
import dev.tally.domain.container.event.ContainerStarted;
import dev.tally.domain.image.event.ImageCommitted;
import dev.tally.domain.image.event.ImageImported;
import dev.tally.domain.image.event.ImagePulled;
import dev.tally.domain.image.event.ImagePushed;
import dev.tally.domain.image.event.ImageReferenceMoved;
import dev.tally.domain.image.event.ImageRemoved;
import dev.tally.domain.image.event.ImageTagged;
import dev.tally.domain.image.event.ImageUntagged;
import dev.tally.domain.volume.event.VolumeCreated;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class EventVisibilityTest {

    private static final Instant T = Instant.parse("2026-11-23T10:00:00Z");
    private static final Actor ALICE = new Actor(1001, 1001, "alice", 1, "unix:pid=1");
    private static final Actor BOB = new Actor(1002, 1002, "bob", 2, "unix:pid=2");
    private static final Actor ROOT = new Actor(0, 0, "root", 3, "unix:pid=3");
    private static final ContainerConfig CONFIG = new ContainerConfig("busybox", null, null, null, null, null, null,
            null, false, false, null, null, null, false, null);

    private static final List<Object> LOG = List.of(
            new ContainerCreated("a1", "web", CONFIG, "sha256:1", ALICE, T),   // 0
            new ContainerStarted("a1", 10, ALICE, T),                          // 1
            new ContainerAccessGranted("a1", new Grantee("bob", 1002), ROOT, T), // 2
            new ContainerStarted("a1", 11, ROOT, T),                           // 3
            new ContainerAccessRevoked("a1", new Grantee("bob", 1002), ROOT, T), // 4
            new ContainerStarted("a1", 12, ALICE, T),                          // 5
            new VolumeCreated("v1", "data", Map.of(), BOB, T),                 // 6
            new ImageTagged("sha256:1", "docker.io/library/busybox:latest", ROOT, T), // 7
            new AccessDenied(BOB, "container.stop", "container/web", "not the owner", T)); // 8

    private static List<Integer> shown(Actor viewer, boolean admin) {
        EventVisibility v = new EventVisibility(viewer, admin);
        List<Integer> out = new java.util.ArrayList<>();
        for (int i = 0; i < LOG.size(); i++) {
            if (v.shows(LOG.get(i))) {
                out.add(i);
            }
        }
        return out;
    }

    @Test
    void whatTheDaemonRemovedFromTheHostOutsideAnyContainerIsForAdminsOnly() {
        Object removed = new dev.tally.domain.host.event.HostLeftoverRemoved("container", "ab12", "in no container of the log",
                Actor.daemon(), T);
        assertEquals(true, new EventVisibility(ROOT, true).shows(removed));
        assertEquals(false, new EventVisibility(ALICE, false).shows(removed));
        assertEquals(false, new EventVisibility(new Actor(0, 0, "tallyd", 1, "daemon"), false).shows(removed),
                "not even to a non-admin who shares the daemon's uid");
        assertEquals(true, new EventVisibility(ALICE, false).knows(removed));
    }

    @Test
    void adminsReadEverything() {
        assertEquals(List.of(0, 1, 2, 3, 4, 5, 6, 7, 8), shown(ROOT, true));
    }

    @Test
    void theOwnerReadsTheirContainerImagesButNotOthersVolumesOrRefusals() {
        assertEquals(List.of(0, 1, 2, 3, 4, 5, 7), shown(ALICE, false));
    }

    @Test
    void aGranteeReadsFromTheGrantToTheRevocationAndTheirOwnThings() {
        assertEquals(List.of(2, 3, 4, 6, 7, 8), shown(BOB, false));
    }

    private static final Actor CAROL = new Actor(1003, 1003, "carol", 4, "unix:pid=4", List.of("carol", "tally-admin"),
            null, "");
    private static final Actor MALLORY = new Actor(1004, 1004, "mallory", 5, "unix:pid=5");

    /** Images: who brought each, with or without credentials, and a removal after which the image is new. */
    private static final List<Object> IMAGES = List.of(
            new ImagePulled("sha256:a", "h:5000/app:1", "h:5000", "sha256:m", List.of(), 1, true, ALICE, T), // 0
            new ImageReferenceMoved("sha256:a", "h:5000/app:2", "", "tag", ALICE, T),                      // 1
            new ImagePushed("sha256:a", "h:5000/app:2", "h:5000", "sha256:m", List.of(), List.of(), ALICE, T), // 2
            new ImagePulled("sha256:a", "h:5000/app:1", "h:5000", "sha256:m", List.of(), 1, true, BOB, T), // 3
            new ImageUntagged("sha256:a", "h:5000/app:2", ALICE, T),                                      // 4
            new ImagePulled("sha256:b", "busybox:latest", "docker.io", "sha256:n", List.of(), 1, false, BOB, T), // 5
            new ImageImported("sha256:c", "carol/tools:1", List.of(), 1, CAROL, T),                       // 6
            new ImageRemoved("sha256:a", List.of(), "rmi", ROOT, T),                                      // 7
            new ImageImported("sha256:a", "bob/a:1", List.of(), 1, BOB, T));                              // 8

    private static List<Integer> shownImages(Actor viewer) {
        EventVisibility v = new EventVisibility(viewer, viewer == ROOT,
                a -> a.uid() == 0 || a.groups().contains("tally-admin"));
        List<Integer> out = new java.util.ArrayList<>();
        for (int i = 0; i < IMAGES.size(); i++) {
            if (v.shows(IMAGES.get(i))) {
                out.add(i);
            }
        }
        return out;
    }

    @Test
    void imageEventsAreReadByWhoMayUseTheImageFromWhenTheyMay() {
        assertEquals(List.of(0, 1, 2, 3, 4, 5, 6, 7), shownImages(ALICE), "alice pulled a, until it was removed");
        assertEquals(List.of(3, 4, 5, 6, 7, 8), shownImages(BOB), "bob proved access to a by his own pull");
        assertEquals(List.of(5, 6), shownImages(MALLORY), "what anyone could pull and what an admin brought");
        assertEquals(List.of(0, 1, 2, 3, 4, 5, 6, 7, 8), shownImages(ROOT));
        org.junit.jupiter.api.Assertions.assertFalse(new EventVisibility(MALLORY, false).knows(IMAGES.get(5)),
                "a reader from the middle learns an image's earlier events first");
    }

    @Test
    void aCommitMakesItsActorAHolderWhoReadsTheNamesMoveAndNobodyElseDoes() {
        List<Object> log = List.of(
                new ImageCommitted("sha256:k", "a1", "sha256:1", "sha256:g", "sha256:m", List.of(), 1, "alice/k:1", "",
                        ALICE, T),
                new ImageReferenceMoved("sha256:k", "docker.io/alice/k:1", "", "commit", ALICE, T));
        for (Actor viewer : List.of(ALICE, BOB)) {
            EventVisibility v = new EventVisibility(viewer, false);
            List<Boolean> shown = log.stream().map(v::shows).toList();
            assertEquals(viewer == ALICE ? List.of(true, true) : List.of(false, false), shown, viewer.user());
        }
    }
}
