package dev.tally.domain.access;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.tally.domain.Actor;
import dev.tally.domain.container.ContainerConfig;
import dev.tally.domain.container.Grantee;
import dev.tally.domain.container.event.ContainerAccessGranted;
import dev.tally.domain.container.event.ContainerAccessRevoked;
import dev.tally.domain.container.event.ContainerCreated;
import dev.tally.domain.container.event.ContainerStarted;
import dev.tally.domain.event.DomainEvent;
import dev.tally.domain.event.StoredEvents;
import dev.tally.domain.image.event.ImagePulled;
import dev.tally.domain.image.event.ImagePushed;
import dev.tally.domain.image.event.ImageTagged;
import dev.tally.domain.volume.event.VolumeCreated;
import dev.tally.domain.volume.event.VolumeRemoved;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * A feed that starts in the middle of the log shows each caller what a read from the first event
 * would have shown them from there on, reading only the earlier events of the objects it meets.
 */
class EventFeedTest {

    private static final Instant T = Instant.parse("2026-11-23T10:00:00Z");
    private static final Actor ALICE = new Actor(1001, 1001, "alice", 1, "unix:pid=1");
    private static final Actor BOB = new Actor(1002, 1002, "bob", 2, "unix:pid=2");
    private static final Actor CAROL = new Actor(1003, 1003, "carol", 3, "unix:pid=3");
    private static final Actor ROOT = new Actor(0, 0, "root", 4, "unix:pid=4");
    private static final Grantee GRANT_BOB = new Grantee("bob", 1002);
    private static final ContainerConfig CONFIG = new ContainerConfig("busybox", null, null, null, null, null, null,
            null, false, false, null, null, null, false, null);

    /** Positions 1…: the log, with the aggregate of each event (its container's, volume's or image's id). */
    private static final List<Object> LOG = List.of(
            new ContainerCreated("a1", "shared", CONFIG, "sha256:1", ALICE, T),      // 1
            new ContainerCreated("a2", "private", CONFIG, "sha256:1", ALICE, T),     // 2
            new ContainerAccessGranted("a1", GRANT_BOB, ROOT, T),                    // 3
            new ContainerAccessGranted("a2", GRANT_BOB, ROOT, T),                    // 4
            new ContainerAccessRevoked("a2", GRANT_BOB, ROOT, T),                    // 5
            new VolumeCreated("v1", "data", Map.of(), BOB, T),                       // 6
            new ContainerStarted("a1", 10, ALICE, T),                                // 7: the feed starts here
            new ContainerStarted("a2", 11, ALICE, T),                                // 8
            new VolumeRemoved("v1", "data", BOB, T),                                 // 9
            new ImageTagged("sha256:1", "busybox:latest", ROOT, T),                  // 10
            new ContainerCreated("a3", "later", CONFIG, "sha256:1", CAROL, T),       // 11
            new ContainerStarted("a3", 12, CAROL, T),                                // 12
            new ImagePulled("sha256:9", "h:5000/app:1", "h:5000", "sha256:m", List.of(), 1, true, ALICE, T), // 13
            new ImagePulled("sha256:9", "h:5000/app:1", "h:5000", "sha256:m", List.of(), 1, true, BOB, T),   // 14
            new ImagePushed("sha256:9", "h:5000/app:2", "h:5000", "sha256:m", List.of(), List.of(), ALICE, T)); // 15

    /** The log, counting what it is asked to read. */
    private static final class Log implements StoredEvents {
        int read;

        @Override
        public long firstAtOrAfter(Instant at) {
            throw new AssertionError("not used");
        }

        @Override
        public long next() {
            return LOG.size() + 1;
        }

        @Override
        public List<Stored> read(long from, int max) {
            List<Stored> page = new ArrayList<>();
            for (long p = from; p <= LOG.size() && page.size() < max; p++) {
                page.add(new Stored(p, T, LOG.get((int) p - 1)));
            }
            read += page.size();
            return page;
        }

        @Override
        public List<Stored> history(String aggregateId, long before) {
            List<Stored> earlier = new ArrayList<>();
            for (long p = 1; p < before; p++) {
                if (((DomainEvent) LOG.get((int) p - 1)).audience().id().equals(aggregateId)) {
                    earlier.add(new Stored(p, T, LOG.get((int) p - 1)));
                }
            }
            read += earlier.size();
            return earlier;
        }
    }

    private static List<Long> shown(Actor viewer, boolean admin, long start, List<Object> learnt) {
        Log log = new Log();
        EventFeed feed = new EventFeed(log, new EventVisibility(viewer, admin), start, learnt::add);
        List<Long> out = new ArrayList<>();
        while (feed.position() <= LOG.size()) {
            feed.next(2).forEach(s -> out.add(s.position()));
        }
        assertEquals(LOG.size() + 1, feed.position());
        return out;
    }

    /** What a read from the first event shows from {@code start} on. */
    private static List<Long> fromTheStart(Actor viewer, boolean admin, long start) {
        EventVisibility v = new EventVisibility(viewer, admin);
        List<Long> out = new ArrayList<>();
        for (int p = 1; p <= LOG.size(); p++) {
            if (v.shows(LOG.get(p - 1)) && p >= start) {
                out.add((long) p);
            }
        }
        return out;
    }

    @Test
    void eachCallerSeesFromTheMiddleWhatAReadFromTheStartShowsThem() {
        for (long start = 1; start <= LOG.size() + 1; start++) {
            for (Actor viewer : List.of(ALICE, BOB, CAROL, ROOT)) {
                boolean admin = viewer == ROOT;
                assertEquals(fromTheStart(viewer, admin, start), shown(viewer, admin, start, new ArrayList<>()),
                        viewer.user() + " from " + start);
            }
        }
    }

    @Test
    void fromPosition7TheOwnerTheGranteeAndOthersEachSeeTheirOwn() {
        assertEquals(List.of(7L, 8L, 10L, 13L, 14L, 15L), shown(ALICE, false, 7, new ArrayList<>()),
                "alice owns a1 and a2 and pulled image 9");
        assertEquals(List.of(7L, 9L, 10L, 14L, 15L), shown(BOB, false, 7, new ArrayList<>()),
                "bob holds a grant on a1 (not on a2 any more), owns v1 and pulled image 9 after alice");
        assertEquals(List.of(10L, 11L, 12L), shown(CAROL, false, 7, new ArrayList<>()),
                "carol: root's image and her own, not the image alice and bob pulled with credentials");
        assertEquals(List.of(7L, 8L, 9L, 10L, 11L, 12L, 13L, 14L, 15L), shown(ROOT, true, 7, new ArrayList<>()));
    }

    @Test
    void theEarlierEventsOfWhatItMeetsAreLearntBeforeItsFirstEvent() {
        List<Object> learnt = new ArrayList<>();
        shown(ROOT, true, 7, learnt);
        assertEquals(List.of(LOG.get(0), LOG.get(2), LOG.get(6), LOG.get(1), LOG.get(3), LOG.get(4), LOG.get(7),
                LOG.get(5), LOG.get(8), LOG.get(9), LOG.get(10), LOG.get(11), LOG.get(12), LOG.get(13), LOG.get(14)),
                learnt);
    }

    @Test
    void aFeedFromNowReadsNothingEarlier() {
        Log log = new Log();
        EventFeed feed = new EventFeed(log, new EventVisibility(BOB, false), log.next(), x -> { });
        assertEquals(List.of(), feed.next(100));
        assertEquals(0, log.read);
    }
}
