package dev.tally.domain.container;

import static dev.tally.domain.container.UseCaseFixture.ALICE;
import static dev.tally.domain.container.UseCaseFixture.BOB;
import static dev.tally.domain.container.UseCaseFixture.ROOT;
import static dev.tally.domain.container.UseCaseFixture.config;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tally.domain.DomainException;
import dev.tally.domain.container.event.ContainerCreateFailed;
import dev.tally.domain.container.event.ContainerCreated;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class ContainerCreationTest {

    private final UseCaseFixture f = new UseCaseFixture();

    @AfterEach
    void close() {
        f.close();
    }

    @Test
    void theHostIsPreparedBeforeTheContainerIsRecorded() {
        List<Object> events = f.eventsOf(() -> f.creation.create("web", config("true"), ALICE));
        ContainerCreated created = (ContainerCreated) events.get(0);
        assertEquals(1, events.size());
        assertEquals("web", created.name());
        assertEquals(ALICE, created.actor());
        assertEquals(UseCaseFixture.IMAGE_ID, created.imageId());
        assertEquals(List.of("create " + created.containerId()), f.runtime.calls());
    }

    @Test
    void aContainerWithoutANameGetsOneMadeFromItsId() {
        String id = f.creation.create(null, config("true"), ALICE);
        String name = f.view(id).orElseThrow().name();
        assertTrue(name.matches("[a-z]+_[a-z]+_" + id.substring(4, 8)), name);
    }

    @Test
    void aLeadingSlashIsNotPartOfTheName() {
        String id = f.creation.create("/web", config("true"), ALICE);
        assertEquals("web", f.view(id).orElseThrow().name());
    }

    @Test
    void aNameWithOtherCharactersIsInvalidAndNothingIsMade() {
        DomainException e = assertThrows(DomainException.class, () -> f.creation.create("we b", config("true"), ALICE));
        assertEquals(DomainException.Kind.INVALID, e.kind());
        assertEquals(List.of(), f.runtime.calls());
        assertEquals(List.of(), f.events());
    }

    @Test
    void aNameInUseIsAConflictThatNamesItsHolderToWhoMaySeeIt() {
        String first = f.creation.create("web", config("true"), ALICE);
        DomainException e = assertThrows(DomainException.class, () -> f.creation.create("web", config("true"), ALICE));
        assertEquals(DomainException.Kind.CONFLICT, e.kind());
        assertTrue(e.getMessage().contains("is already in use by container \"" + first + "\""), e.getMessage());
    }

    @Test
    void aNameHeldByAnotherUsersContainerIsAConflictThatDoesNotSayWhose() {
        String first = f.creation.create("web", config("true"), ALICE);
        DomainException e = assertThrows(DomainException.class, () -> f.creation.create("web", config("true"), BOB));
        assertEquals(DomainException.Kind.CONFLICT, e.kind());
        assertTrue(e.getMessage().contains("is already in use by another user's container"), e.getMessage());
        assertTrue(!e.getMessage().contains(first));
    }

    @Test
    void aNameThatReadsAsAnIdIsRefusedToEveryoneAndRecorded() {
        for (var actor : List.of(ALICE, ROOT)) {
            DomainException e = assertThrows(DomainException.class,
                    () -> f.creation.create("/3f0c9e2a71b4", config("true"), actor));
            assertEquals(DomainException.Kind.INVALID, e.kind());
            assertTrue(e.getMessage().startsWith("Invalid container name (3f0c9e2a71b4)"), e.getMessage());
        }
        assertEquals(List.of(), f.runtime.calls());
        assertEquals(2, f.denials().size());
        assertEquals("container/3f0c9e2a71b4", f.denials().get(0).object());
        assertEquals(Integer.valueOf(400), f.denials().get(0).status());
    }

    @Test
    void aClashWithAnotherUsersNameIsRecordedAndOneWithOnesOwnIsNot() {
        f.creation.create("web", config("true"), ALICE);
        assertThrows(DomainException.class, () -> f.creation.create("web", config("true"), ALICE));
        assertEquals(List.of(), f.denials());
        assertThrows(DomainException.class, () -> f.creation.create("web", config("true"), BOB));
        assertEquals(1, f.denials().size());
        assertEquals(BOB, f.denials().get(0).actor());
        assertEquals("container/web", f.denials().get(0).object());
        assertEquals(Integer.valueOf(409), f.denials().get(0).status());
    }

    @Test
    void aRemovedContainersNameMayBeUsedAgain() {
        String first = f.creation.create("web", config("true"), ALICE);
        f.lifecycle.remove(first, false, ALICE);
        String second = f.creation.create("web", config("true"), ALICE);
        assertEquals("web", f.view(second).orElseThrow().name());
    }

    @Test
    void anUnknownImageIsNotFoundAndNothingIsMade() {
        ContainerConfig config = new ContainerConfig("nosuchimage", List.of(), List.of("true"), List.of(), "", "", "",
                Map.of(), false, false, List.of(), ContainerConfig.Limits.NONE, "none", false, ContainerConfig.HostAccess.NONE);
        DomainException e = assertThrows(DomainException.class, () -> f.creation.create("web", config, ALICE));
        assertEquals(DomainException.Kind.NOT_FOUND, e.kind());
        assertEquals("No such image: nosuchimage:latest", e.getMessage());
        assertEquals(List.of(), f.runtime.calls());
    }

    /** Issue 11: the bundle was prepared before the create was recorded; now the record comes first. */
    @Test
    void aCreateIsRecordedBeforeTheHostIsTouched() {
        List<String> callsWhenRecorded = new java.util.ArrayList<>();
        f.axon.eventBus().subscribe(messages -> callsWhenRecorded.addAll(f.runtime.calls()));
        String id = f.creation.create("web", config("true"), ALICE);
        assertEquals(List.of(), callsWhenRecorded);
        assertEquals(List.of("create " + id), f.runtime.calls());
    }

    @Test
    void aCreateTheHostRefusesIsRecordedAsFailedLeavesNothingBehindAndFreesTheName() {
        f.runtime.failNextCreate("no space left on device");
        DomainException e = assertThrows(DomainException.class, () -> f.creation.create("web", config("true"), ALICE));
        assertEquals(DomainException.Kind.FAILED, e.kind());
        assertTrue(f.runtime.calls().get(1).startsWith("remove "), f.runtime.calls().toString());
        List<Object> events = f.events();
        assertEquals(List.of(ContainerCreated.class, ContainerCreateFailed.class),
                events.stream().map(Object::getClass).toList());
        ContainerCreateFailed failed = (ContainerCreateFailed) events.get(1);
        assertEquals("no space left on device", failed.reason());
        assertEquals(ALICE, failed.actor());
        assertEquals(ContainerStatus.REMOVED, f.status(failed.containerId()));
        f.creation.create("web", config("true"), ALICE);
    }

    @Test
    void aConfigTheRuntimeRefusesIsInvalidBeforeAnythingIsRecordedOrMade() {
        DomainException e = assertThrows(DomainException.class, () -> f.creation.create("web", config(), ALICE));
        assertEquals(DomainException.Kind.INVALID, e.kind());
        assertEquals(List.of(), f.events());
        assertEquals(List.of(), f.runtime.calls());
    }

    @Test
    void optionsThatAmountToRootOnTheHostAreForAdminsAndTheRefusalIsRecorded() {
        ContainerConfig privileged = new ContainerConfig("busybox", List.of(), List.of("true"), List.of(), "", "", "",
                Map.of(), false, false, List.of(), ContainerConfig.Limits.NONE, "none", false,
                new ContainerConfig.HostAccess(true, List.of(), List.of(), List.of(), ""));
        DomainException e = assertThrows(DomainException.class, () -> f.creation.create("web", privileged, ALICE));
        assertEquals(DomainException.Kind.DENIED, e.kind());
        assertEquals(1, f.denials().size());
        assertEquals("container.create", f.denials().get(0).action());
        assertEquals(List.of(), f.runtime.calls());
        f.creation.create("web", privileged, ROOT);
    }

    @Test
    void anInvalidNameIsRefusedBeforeAnyRefusalIsRecordedWithIt() {
        ContainerConfig privileged = new ContainerConfig("busybox", List.of(), List.of("true"), List.of(), "", "", "",
                Map.of(), false, false, List.of(), ContainerConfig.Limits.NONE, "none", false,
                new ContainerConfig.HostAccess(true, List.of(), List.of(), List.of(), ""));
        String forged = "x\n2026-12-04 21:00:00   1   root   container.create   container/evil   allowed";
        DomainException e = assertThrows(DomainException.class, () -> f.creation.create(forged, privileged, ALICE));
        assertEquals(DomainException.Kind.INVALID, e.kind());
        assertEquals(List.of(), f.denials());
        assertEquals(List.of(), f.events());
        assertEquals(List.of(), f.runtime.calls());
    }

    @Test
    void everyRootEquivalentOptionTallyDoesNotApplyIsDeniedAndRecordedForUsersAndNotSupportedForAdmins() {
        for (ContainerOption o : ContainerOption.values()) {
            if (o.decisionFor(false) != ContainerOption.Decision.DENIED || o == ContainerOption.MOUNTS_HOST
                    || o.decisionFor(true) != ContainerOption.Decision.NOT_SUPPORTED) {
                continue;
            }
            int before = f.denials().size();
            List<AskedOption> asked = List.of(new AskedOption(o, "x"));
            DomainException user = assertThrows(DomainException.class, () -> f.creation.create("web", config("true"), asked, ALICE));
            assertEquals(DomainException.Kind.DENIED, user.kind(), o.name());
            assertEquals(before + 1, f.denials().size(), o.name());
            DomainException admin = assertThrows(DomainException.class, () -> f.creation.create("web", config("true"), asked, ROOT));
            assertEquals(DomainException.Kind.INVALID, admin.kind(), o.name());
            assertTrue(admin.getMessage().contains(o.field()), admin.getMessage());
            assertEquals(before + 1, f.denials().size(), o.name());
        }
        assertEquals(List.of(), f.runtime.calls());
    }

    @Test
    void aUsersContainerRunsInTheirSubordinateIdsAndAnAdminsOnTheHostsIds() {
        String alices = f.creation.create(null, config("true"), ALICE);
        String roots = f.creation.create(null, config("true"), ROOT);
        assertEquals("alice", f.runtime.remapUser(alices));
        assertNull(f.runtime.remapUser(roots));
    }
}
