package dev.tally.domain.container;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.tally.domain.Actor;
import dev.tally.domain.container.event.ContainerCreated;
import dev.tally.domain.container.event.ContainerRemoved;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.axonframework.eventhandling.GenericEventMessage;
import org.junit.jupiter.api.Test;

class ContainerNamesTest {

    private static final Actor ALICE = new Actor(1000, 1000, "alice", 42, "unix:pid=42");
    private final ContainerNames names = new ContainerNames(new InMemoryHeldNames());

    private static ContainerCreated created(String id, String name) {
        return new ContainerCreated(id, name, UseCaseFixture.config("true"), "sha256:ab", ALICE, Instant.now());
    }

    @Test
    void aNameIsHeldFromItsContainersCreationUntilItsRemoval() {
        List.of(GenericEventMessage.asEventMessage(created("a", "web")),
                GenericEventMessage.asEventMessage(created("b", "db")),
                GenericEventMessage.asEventMessage(new ContainerRemoved("a", "web", ALICE, Instant.now())))
                .forEach(names::catchUp);
        assertEquals(Optional.empty(), names.claim("web", "c"));
        assertEquals(Optional.of("b"), names.claim("db", "c"));
    }

    @Test
    void aNameClaimedByACreateUnderWayIsRefusedToAnother() {
        names.claim("web", "a");
        assertEquals(Optional.of("a"), names.claim("web", "b"));
        assertEquals(Optional.empty(), names.claim("web", "a"));
    }

    @Test
    void aRecordedNameStaysHeldOnceItsCreateIsOver() {
        names.claim("web", "a");
        names.on(created("a", "web"));
        names.release("web", "a");
        assertEquals(Optional.of("a"), names.claim("web", "b"));
    }

    @Test
    void aCreateThatFailedFreesItsClaimAndNoOtherOne() {
        names.claim("web", "a");
        names.release("web", "b");
        assertEquals(Optional.of("a"), names.claim("web", "b"));
        names.release("web", "a");
        assertEquals(Optional.empty(), names.claim("web", "b"));
    }
}
