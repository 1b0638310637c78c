package dev.tally.domain.volume;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.tally.domain.Actor;
import dev.tally.domain.host.event.HostLeftoverRemoved;
import dev.tally.domain.volume.query.VolumeQueries;
import dev.tally.domain.volume.query.VolumeView;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import org.axonframework.eventhandling.EventMessage;
import org.axonframework.eventhandling.SimpleEventBus;
import org.axonframework.eventhandling.gateway.DefaultEventGateway;
import org.junit.jupiter.api.Test;

class VolumeReconciliationTest {

    private static final Actor ALICE = new Actor(1000, 1000, "alice", 42, "unix:pid=42");

    private final Set<String> onHost = new TreeSet<>();
    private final List<String> calls = new ArrayList<>();
    private final List<Object> recorded = new ArrayList<>();
    private final List<VolumeView> inLog = new ArrayList<>();
    private final List<String> ids = new ArrayList<>();
    private final dev.tally.domain.host.InMemoryLeftoverMarks marks = new dev.tally.domain.host.InMemoryLeftoverMarks();
    private String failRemovalOf;

    private final VolumeStore store = new VolumeStore() {
        @Override
        public String create(String name) {
            throw new AssertionError("the reconciler creates no volume");
        }

        @Override
        public void ensure(String name) {
            calls.add("ensure " + name + (recorded.isEmpty() ? "" : " after " + recorded.size()));
            onHost.add(name);
        }

        @Override
        public Set<String> names() {
            return Set.copyOf(onHost);
        }

        @Override
        public String mountpoint(String name) {
            return "/v/" + name;
        }

        @Override
        public void remove(String name) {
            calls.add("remove " + name + " after " + recorded.size());
            if (name.equals(failRemovalOf)) {
                failRemovalOf = null;
                throw new IllegalStateException("cut short");
            }
            onHost.remove(name);
        }
    };

    private VolumeReconciliation reconciliation() {
        SimpleEventBus bus = SimpleEventBus.builder().build();
        bus.subscribe(messages -> messages.stream().map(EventMessage::getPayload).forEach(recorded::add));
        VolumeQueries queries = new VolumeQueries() {
            @Override
            public Optional<VolumeView> find(String name) {
                return inLog.stream().filter(v -> v.name().equals(name)).findFirst();
            }

            @Override
            public List<VolumeView> list() {
                return List.copyOf(inLog);
            }
        };
        bus.subscribe(messages -> messages.forEach(m -> ids.add(m.getIdentifier())));
        dev.tally.domain.host.LeftoverRemovals leftovers = new dev.tally.domain.host.LeftoverRemovals(
                DefaultEventGateway.builder().eventBus(bus).build(), new dev.tally.domain.host.EventsById(
                        () -> ids.stream().map(id -> new org.axonframework.eventhandling.GenericEventMessage<>(id, "",
                                org.axonframework.messaging.MetaData.emptyInstance(), Instant.EPOCH))), marks);
        return new VolumeReconciliation(leftovers, store, queries);
    }

    /** Issue 11: a removal recorded, then cut short, must not hand its data to the next volume of the name. */
    @Test
    void dataNoVolumeOfTheLogHoldsIsRecordedAsRemovedThenRemoved() {
        onHost.add("secrets");
        reconciliation().reconcile();
        assertEquals(1, recorded.size());
        HostLeftoverRemoved removed = (HostLeftoverRemoved) recorded.get(0);
        assertEquals(List.of("volume", "secrets", "tallyd"), List.of(removed.kind(), removed.id(), removed.actor().user()));
        assertEquals(List.of("remove secrets after 1"), calls, "recorded before the data is touched");
        assertEquals(Set.of(), onHost);
    }

    /** A removal recorded, then cut short, is finished at the next start without a second record. */
    @Test
    void dataWhoseRemovalWasCutShortIsRemovedAtTheNextStartRecordedOnce() {
        onHost.add("secrets");
        failRemovalOf = "secrets";
        reconciliation().reconcile();
        assertEquals(Set.of("secrets"), onHost);
        reconciliation().reconcile();
        assertEquals(1, recorded.size());
        assertEquals(Set.of(), onHost);
    }

    @Test
    void aRecordedVolumeWhoseDirectoryWasNeverMadeGetsItWithoutANewRecord() {
        inLog.add(new VolumeView("v1", "data", Map.of(), ALICE, Instant.EPOCH));
        reconciliation().reconcile();
        assertEquals(List.of(), recorded);
        assertEquals(Set.of("data"), onHost);
    }
}
