package dev.tally.domain.container;

import dev.tally.domain.Actor;
import dev.tally.domain.DomainException;
import dev.tally.domain.container.command.GrantContainerAccess;
import dev.tally.domain.container.command.RevokeContainerAccess;
import dev.tally.domain.container.event.ContainerAccessGranted;
import dev.tally.domain.container.event.ContainerAccessRevoked;
import dev.tally.domain.container.event.ContainerCreated;
import dev.tally.domain.container.event.ContainerRemoved;
import java.time.Instant;
import java.util.List;
import org.axonframework.eventsourcing.AggregateDeletedException;
import org.axonframework.test.aggregate.AggregateTestFixture;
import org.axonframework.test.matchers.Matchers;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class ContainerGrantTest {

    private static final String ID = "c0ffee";
    private static final Actor ALICE = new Actor(1001, 1001, "alice", 42, "unix:pid=42");
    private static final Actor ROOT = new Actor(0, 0, "root", 43, "unix:pid=43");
    private static final Grantee BOB = new Grantee("bob", 1002);
    private static final Instant T = Instant.parse("2026-11-23T10:00:00Z");
    private static final ContainerConfig CONFIG = new ContainerConfig("busybox", null, List.of("true"), null,
            null, null, null, null, false, false, null, null, null, false, null);

    private AggregateTestFixture<Container> fixture;

    @BeforeEach
    void setUp() {
        fixture = new AggregateTestFixture<>(Container.class);
    }

    private ContainerCreated createdByAlice() {
        return new ContainerCreated(ID, "web", CONFIG, "sha256:ab", ALICE, T);
    }

    @Test
    void aGrantIsRecordedWithTheGranteeAndTheAdminWhoGaveIt() {
        fixture.given(createdByAlice())
                .when(new GrantContainerAccess(ID, BOB, ROOT))
                .expectEventsMatching(Matchers.payloadsMatching(Matchers.exactSequenceOf(
                        Matchers.matches(e -> e instanceof ContainerAccessGranted g && g.grantee().equals(BOB)
                                && g.actor().equals(ROOT) && g.containerId().equals(ID)),
                        Matchers.andNoMore())));
    }

    @Test
    void grantingTwiceRecordsNothingNew() {
        fixture.given(createdByAlice(), new ContainerAccessGranted(ID, BOB, ROOT, T))
                .when(new GrantContainerAccess(ID, BOB, ROOT))
                .expectSuccessfulHandlerExecution()
                .expectNoEvents();
    }

    @Test
    void grantingToTheOwnerIsInvalid() {
        fixture.given(createdByAlice())
                .when(new GrantContainerAccess(ID, new Grantee("alice", 1001), ROOT))
                .expectException(Matchers.matches(e -> e instanceof DomainException d
                        && d.kind() == DomainException.Kind.INVALID));
    }

    @Test
    void aRevocationTakesBackAGrant() {
        fixture.given(createdByAlice(), new ContainerAccessGranted(ID, BOB, ROOT, T))
                .when(new RevokeContainerAccess(ID, BOB, ROOT))
                .expectEventsMatching(Matchers.payloadsMatching(Matchers.exactSequenceOf(
                        Matchers.matches(e -> e instanceof ContainerAccessRevoked r && r.grantee().equals(BOB)),
                        Matchers.andNoMore())));
    }

    @Test
    void revokingAGrantThatWasNeverGivenOrAlreadyTakenBackIsNotFound() {
        fixture.given(createdByAlice(), new ContainerAccessGranted(ID, BOB, ROOT, T),
                        new ContainerAccessRevoked(ID, BOB, ROOT, T))
                .when(new RevokeContainerAccess(ID, BOB, ROOT))
                .expectException(Matchers.matches(e -> e instanceof DomainException d
                        && d.kind() == DomainException.Kind.NOT_FOUND && d.getMessage().equals("bob has no grant on container web")));
    }

    @Test
    void grantsAreKeptByUidSoARenamedUserKeepsTheirs() {
        fixture.given(createdByAlice(), new ContainerAccessGranted(ID, BOB, ROOT, T))
                .when(new RevokeContainerAccess(ID, new Grantee("robert", 1002), ROOT))
                .expectEventsMatching(Matchers.payloadsMatching(Matchers.exactSequenceOf(
                        Matchers.matches(e -> e instanceof ContainerAccessRevoked), Matchers.andNoMore())));
    }

    @Test
    void aRemovedContainerTakesNoGrants() {
        fixture.given(createdByAlice(), new ContainerRemoved(ID, "web", ALICE, T))
                .when(new GrantContainerAccess(ID, BOB, ROOT))
                .expectException(AggregateDeletedException.class);
    }
}
