package dev.tally.domain.volume;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tally.domain.Actor;
import dev.tally.domain.container.ContainerConfig;
import dev.tally.domain.container.event.ContainerCreateFailed;
import dev.tally.domain.container.event.ContainerCreated;
import dev.tally.domain.container.event.ContainerRemoved;
import dev.tally.domain.container.event.ContainerStartRequested;
import dev.tally.domain.event.StoredEvents;
import dev.tally.domain.volume.event.VolumeCreated;
import dev.tally.domain.volume.query.VolumeView;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * What becomes at start of an anonymous volume no container mounts, decided from the log. The crash
 * series found such volumes after kills in {@code run --rm -v /scratch}: the container's removal
 * recorded, the daemon killed before its volume went; kept for good.
 */
class AnonymousVolumesTest {

    private static final Actor ALICE = new Actor(1000, 1000, "alice", 1, "unix:pid=1");
    private static final Instant T = Instant.parse("2026-12-06T09:00:00Z");
    private static final String VOLUME = "ab".repeat(32);
    private static final String CONTAINER = "cd".repeat(32);

    /** The log as a list: position i is the i-th event; history by the id each event is filed under. */
    private final List<Object> payloads = new ArrayList<>();
    private final List<String> ids = new ArrayList<>();

    private final StoredEvents log = new StoredEvents() {
        @Override
        public long firstAtOrAfter(Instant at) {
            throw new UnsupportedOperationException();
        }

        @Override
        public long next() {
            return payloads.size();
        }

        @Override
        public List<Stored> read(long from, int max) {
            List<Stored> out = new ArrayList<>();
            for (int i = (int) from; i < payloads.size() && out.size() < max; i++) {
                out.add(new Stored(i, T, payloads.get(i)));
            }
            return out;
        }

        @Override
        public List<Stored> history(String aggregateId, long before) {
            List<Stored> out = new ArrayList<>();
            for (int i = 0; i < payloads.size() && i < before; i++) {
                if (ids.get(i).equals(aggregateId)) {
                    out.add(new Stored(i, T, payloads.get(i)));
                }
            }
            return out;
        }
    };

    private void stored(String id, Object payload) {
        ids.add(id);
        payloads.add(payload);
    }

    private static ContainerConfig config(boolean autoRemove) {
        return new ContainerConfig("busybox", List.of(), List.of("true"), List.of(), "", "", "", Map.of(), false, false,
                List.of(new ContainerConfig.Mount(VOLUME, "/scratch", false)), ContainerConfig.Limits.NONE, "none",
                autoRemove, ContainerConfig.HostAccess.NONE);
    }

    private VolumeView anonymous() {
        stored("v1", new VolumeCreated("v1", VOLUME, Map.of(VolumePruning.ANONYMOUS, ""), ALICE, T));
        return new VolumeView("v1", VOLUME, Map.of(VolumePruning.ANONYMOUS, ""), ALICE, T);
    }

    private void otherEvents(int n) {
        for (int i = 0; i < n; i++) {
            stored("other" + i, new ContainerStartRequested("other" + i, "x", ALICE, T));
        }
    }

    @Test
    void aVolumeWhoseContainersCreateWasNeverRecordedGoes() {
        VolumeView v = anonymous();
        otherEvents(1200);
        Optional<String> why = AnonymousVolumes.whyItGoes(log, v);
        assertTrue(why.orElseThrow().startsWith("the daemon stopped between making it and recording the create"), why.get());
    }

    /** Past the look-ahead nothing is known: the create may come later, of a container removed without --rm. */
    @Test
    void aVolumeWhoseCreateLiesBeyondTheLookAheadStays() {
        VolumeView v = anonymous();
        otherEvents(AnonymousVolumes.LOOK_AHEAD + 1);
        stored(CONTAINER, new ContainerCreated(CONTAINER, "one", config(false), "sha256:i", ALICE, T));
        stored(CONTAINER, new ContainerRemoved(CONTAINER, "one", ALICE, T));
        assertEquals(Optional.empty(), AnonymousVolumes.whyItGoes(log, v));
    }

    @Test
    void theVolumeOfARmContainerRemovedBeforeItsVolumeWentGoes() {
        VolumeView v = anonymous();
        otherEvents(700);
        stored(CONTAINER, new ContainerCreated(CONTAINER, "one", config(true), "sha256:i", ALICE, T));
        stored(CONTAINER, new ContainerRemoved(CONTAINER, "one", Actor.daemon(), T));
        assertTrue(AnonymousVolumes.whyItGoes(log, v).orElseThrow().contains("created with --rm and is removed"));
    }

    @Test
    void theVolumeOfAContainerWhoseCreateFailedGoes() {
        VolumeView v = anonymous();
        stored(CONTAINER, new ContainerCreated(CONTAINER, "one", config(false), "sha256:i", ALICE, T));
        stored(CONTAINER, new ContainerCreateFailed(CONTAINER, "one", "the daemon stopped", Actor.daemon(), T));
        assertTrue(AnonymousVolumes.whyItGoes(log, v).orElseThrow().contains("failed"));
    }

    /** rm -v cut short after its removal was recorded: the start finishes it. */
    @Test
    void theVolumeOfAContainerRemovedWithItsVolumesGoes() {
        VolumeView v = anonymous();
        stored(CONTAINER, new ContainerCreated(CONTAINER, "one", config(false), "sha256:i", ALICE, T));
        stored(CONTAINER, new ContainerRemoved(CONTAINER, "one", ALICE, T, true));
        assertTrue(AnonymousVolumes.whyItGoes(log, v).orElseThrow().contains("removed with its volumes"));
    }

    @Test
    void theVolumeOfAContainerRemovedByAPlainRmStaysForVolumePrune() {
        VolumeView v = anonymous();
        stored(CONTAINER, new ContainerCreated(CONTAINER, "one", config(false), "sha256:i", ALICE, T));
        stored(CONTAINER, new ContainerRemoved(CONTAINER, "one", ALICE, T, false));
        assertEquals(Optional.empty(), AnonymousVolumes.whyItGoes(log, v));
    }

    /** A removal recorded before it said whether volumes went: a plain rm's volumes stay, as they did. */
    @Test
    void theVolumeOfAContainerRemovedWithoutRmStaysForVolumePrune() {
        VolumeView v = anonymous();
        stored(CONTAINER, new ContainerCreated(CONTAINER, "one", config(false), "sha256:i", ALICE, T));
        stored(CONTAINER, new ContainerRemoved(CONTAINER, "one", ALICE, T));
        assertEquals(Optional.empty(), AnonymousVolumes.whyItGoes(log, v));
    }

    @Test
    void theVolumeOfARmContainerNotRemovedYetStays() {
        VolumeView v = anonymous();
        stored(CONTAINER, new ContainerCreated(CONTAINER, "one", config(true), "sha256:i", ALICE, T));
        assertEquals(Optional.empty(), AnonymousVolumes.whyItGoes(log, v));
    }
}
