package dev.tally.domain.volume;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tally.domain.Actor;
import dev.tally.domain.DomainException;
import dev.tally.domain.KeyedLocks;
import dev.tally.domain.access.AccessControl;
import dev.tally.domain.access.AccessPolicy;
import dev.tally.domain.access.event.AccessDenied;
import dev.tally.domain.volume.query.VolumeQueries;
import dev.tally.domain.volume.query.VolumeView;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;
import org.axonframework.eventhandling.gateway.EventGateway;
import org.axonframework.messaging.MessageDispatchInterceptor;
import org.axonframework.common.Registration;
import org.axonframework.eventhandling.EventMessage;
import org.junit.jupiter.api.Test;

class VolumeServiceTest {

    private static final Actor ROOT = new Actor(0, 0, "root", 1, "unix:pid=1");
    private static final Actor CAROL = new Actor(1002, 1002, "carol", 44, "unix:pid=44");
    private static final Actor ALICE = new Actor(1000, 1000, "alice", 42, "unix:pid=42");
    private static final Actor BOB = new Actor(1001, 1001, "bob", 43, "unix:pid=43");

    private final List<Object> published = new ArrayList<>();
    private final VolumeView alices = new VolumeView("v1", "data", Map.of(), ALICE, Instant.EPOCH);
    private final VolumeService volumes = new VolumeService(null, new NoStore(), new OneVolume(alices), null,
            new AccessControl(new Recording(), new AccessPolicy(Set.of("carol"), Set.of(), List.of())), new InOrder());

    @Test
    void aNameMeansTheCallersOwnVolume() {
        assertEquals(alices, volumes.create("data", Map.of(), ALICE));
    }

    @Test
    void anAdminsNameNeverMeansAUsersVolumeAndTheRefusalSaysWhoseAndIsRecorded() {
        for (Actor admin : List.of(ROOT, CAROL)) {
            DomainException e = assertThrows(DomainException.class, () -> volumes.create("data", Map.of(), admin));
            assertEquals(DomainException.Kind.CONFLICT, e.kind());
            assertTrue(e.getMessage().contains("in use by the volume of alice"), e.getMessage());
            assertTrue(e.getMessage().contains("/volumes/data/_data"), "the way to mount it on purpose: " + e.getMessage());
        }
        assertEquals(2, published.stream().filter(p -> p instanceof AccessDenied d && d.status() == 409).count());
        assertTrue(volumes.visibleTo(alices, CAROL), "admins still see it");
    }

    @Test
    void anotherUsersNameIsAConflictThatSaysNotWhose() {
        DomainException e = assertThrows(DomainException.class, () -> volumes.create("data", Map.of(), BOB));
        assertEquals("volume name data is in use by another user's volume", e.getMessage());
    }

    private final class Recording implements EventGateway {
        @Override
        public void publish(List<?> events) {
            published.addAll(events);
        }

        @Override
        public Registration registerDispatchInterceptor(
                MessageDispatchInterceptor<? super EventMessage<?>> interceptor) {
            return () -> true;
        }
    }

    private record OneVolume(VolumeView v) implements VolumeQueries {
        @Override
        public Optional<VolumeView> find(String name) {
            return Optional.of(v).filter(x -> x.name().equals(name));
        }

        @Override
        public List<VolumeView> list() {
            return List.of(v);
        }
    }

    private static final class NoStore implements VolumeStore {
        @Override
        public String create(String name) {
            throw new AssertionError("nothing is made for a name another holds");
        }

        @Override
        public String mountpoint(String name) {
            return "/var/lib/tally/volumes/" + name + "/_data";
        }

        @Override
        public void remove(String name) {
            throw new AssertionError("nothing is removed");
        }
    }

    private static final class InOrder implements KeyedLocks {
        @Override
        public <T> T exclusively(String key, Supplier<T> steps) {
            return steps.get();
        }
    }
}
