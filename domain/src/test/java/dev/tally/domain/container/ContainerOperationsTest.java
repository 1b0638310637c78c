package dev.tally.domain.container;

import static dev.tally.domain.container.UseCaseFixture.ALICE;
import static dev.tally.domain.container.UseCaseFixture.BOB;
import static dev.tally.domain.container.UseCaseFixture.ROOT;
import static dev.tally.domain.container.UseCaseFixture.config;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tally.domain.DomainException;
import dev.tally.domain.container.event.ContainerFilesCopied;
import dev.tally.domain.container.event.ContainerFilesCopyFailed;
import dev.tally.domain.container.event.ContainerPaused;
import dev.tally.domain.container.event.ContainerRenamed;
import dev.tally.domain.container.event.ContainerUnpaused;
import java.io.ByteArrayInputStream;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** pause, unpause, rename, top and copying in, as the use cases decide and record them. */
class ContainerOperationsTest {

    private final UseCaseFixture f = new UseCaseFixture();
    private static final ContainerFiles.Upload TAR = () -> new ByteArrayInputStream(new byte[0]);

    @AfterEach
    void close() {
        f.close();
    }

    @Test
    void aPauseFreezesTheContainerThenRecordsWhoPausedIt() {
        String id = f.running(ALICE, "sleep", "60");
        List<Object> events = f.eventsOf(() -> f.operations.pause(id, ALICE));
        assertTrue(f.processes.frozen.contains(id));
        assertEquals(1, events.size());
        assertEquals(ALICE, ((ContainerPaused) events.get(0)).actor());
        assertTrue(f.view(id).orElseThrow().paused());
        f.operations.unpause(id, ALICE);
        assertFalse(f.processes.frozen.contains(id));
        assertFalse(f.view(id).orElseThrow().paused());
        assertTrue(f.events().get(f.events().size() - 1) instanceof ContainerUnpaused);
    }

    @Test
    void pausingTwiceOrUnpausingARunningContainerIsAConflictAndChangesNothing() {
        String id = f.running(ALICE, "sleep", "60");
        f.operations.pause(id, ALICE);
        assertEquals(DomainException.Kind.CONFLICT, assertThrows(DomainException.class,
                () -> f.operations.pause(id, ALICE)).kind());
        f.operations.unpause(id, ALICE);
        assertEquals(DomainException.Kind.CONFLICT, assertThrows(DomainException.class,
                () -> f.operations.unpause(id, ALICE)).kind());
    }

    @Test
    void anExecIntoAPausedContainerIsRefusedAsDockerRefusesIt() {
        String id = f.running(ALICE, "sleep", "60");
        f.operations.pause(id, ALICE);
        DomainException e = assertThrows(DomainException.class, () -> f.execs.create(id,
                new ExecSpec(List.of("ls"), false, "", "", List.of()), ALICE));
        assertEquals(DomainException.Kind.CONFLICT, e.kind());
        assertTrue(e.getMessage().contains("is paused, unpause the container before exec"), e.getMessage());
    }

    @Test
    void anotherUsersContainerCannotBePausedRenamedOrCopiedIntoAndTheAttemptsAreRecorded() {
        String id = f.running(ALICE, "sleep", "60");
        int before = f.denials().size();
        assertEquals(DomainException.Kind.NOT_FOUND, assertThrows(DomainException.class,
                () -> f.operations.pause(id, BOB)).kind());
        assertEquals(DomainException.Kind.NOT_FOUND, assertThrows(DomainException.class,
                () -> f.operations.rename(id, "bobs", BOB)).kind());
        assertEquals(DomainException.Kind.NOT_FOUND, assertThrows(DomainException.class,
                () -> f.archives.copyIn(id, "/tmp", TAR, 0, "sha256:00", false, false, BOB)).kind());
        assertEquals(DomainException.Kind.NOT_FOUND, assertThrows(DomainException.class,
                () -> f.operations.top(id, List.of(), BOB)).kind());
        assertEquals(before + 4, f.denials().size());
        assertFalse(f.processes.frozen.contains(id));
        assertTrue(f.files.extracted.isEmpty());
    }

    @Test
    void aRenameFreesTheOldNameAndHoldsTheNewOne() {
        String id = f.creation.create("web", config("true"), ALICE);
        List<Object> events = f.eventsOf(() -> f.operations.rename("web", "db", ALICE));
        ContainerRenamed renamed = (ContainerRenamed) events.get(0);
        assertEquals(List.of("web", "db", ALICE), List.of(renamed.oldName(), renamed.newName(), renamed.actor()));
        assertEquals("db", f.view(id).orElseThrow().name());
        String other = f.creation.create("web", config("true"), ALICE);
        assertTrue(!other.equals(id));
        DomainException taken = assertThrows(DomainException.class, () -> f.creation.create("db", config("true"), ALICE));
        assertEquals(DomainException.Kind.CONFLICT, taken.kind());
    }

    @Test
    void aRenameToANameAnotherUserHoldsIsAConflictThatNamesNobodyAndIsRecorded() {
        f.creation.create("taken", config("true"), BOB);
        String id = f.creation.create("mine", config("true"), ALICE);
        int before = f.denials().size();
        DomainException e = assertThrows(DomainException.class, () -> f.operations.rename(id, "taken", ALICE));
        assertEquals(DomainException.Kind.CONFLICT, e.kind());
        assertTrue(e.getMessage().contains("another user's container"), e.getMessage());
        assertEquals(before + 1, f.denials().size());
        assertEquals("mine", f.view(id).orElseThrow().name());
    }

    @Test
    void aRenameToANameThatReadsAsAnIdIsRefusedAndRecorded() {
        String id = f.creation.create("mine", config("true"), ALICE);
        int before = f.denials().size();
        assertEquals(DomainException.Kind.INVALID, assertThrows(DomainException.class,
                () -> f.operations.rename(id, "3f0c9e2a71b4", ALICE)).kind());
        assertEquals(before + 1, f.denials().size());
        assertEquals(DomainException.Kind.INVALID, assertThrows(DomainException.class,
                () -> f.operations.rename(id, "bad name", ALICE)).kind());
        assertEquals(before + 1, f.denials().size());
    }

    @Test
    void topOfAContainerThatIsNotRunningIsAConflict() {
        String id = f.creation.create(null, config("true"), ALICE);
        assertEquals(DomainException.Kind.CONFLICT, assertThrows(DomainException.class,
                () -> f.operations.top(id, List.of(), ALICE)).kind());
        String running = f.running(ALICE, "sleep", "60");
        assertEquals(List.of("PID", "CMD"), f.operations.top(running, List.of(), ALICE).titles());
    }

    @Test
    void aCopyInIsRecordedWithWhoWhereAndTheArchivesDigestBeforeItIsUnpacked() {
        String id = f.running(ALICE, "sleep", "60");
        List<Object> events = f.eventsOf(() -> f.archives.copyIn(id, "/tmp", TAR, 10240, "sha256:ab", true, false, ALICE));
        ContainerFilesCopied copied = (ContainerFilesCopied) events.get(0);
        assertEquals(List.of("/tmp", 10240L, "sha256:ab", ALICE), List.of(copied.path(), copied.size(), copied.digest(),
                copied.actor()));
        assertEquals(1, f.files.extracted.size());
        assertTrue(f.files.extracted.get(0).contains("keepSetIds=false, devices=false"), f.files.extracted.get(0));
    }

    @Test
    void deviceNodesFromANonAdminAreRefusedAndRecordedButAnAdminMayCopyThem() {
        String id = f.running(ALICE, "sleep", "60");
        f.files.devices = 1;
        int before = f.denials().size();
        assertEquals(DomainException.Kind.DENIED, assertThrows(DomainException.class,
                () -> f.archives.copyIn(id, "/tmp", TAR, 512, "sha256:cd", true, false, ALICE)).kind());
        assertEquals(before + 1, f.denials().size());
        assertTrue(f.files.extracted.isEmpty());
        assertTrue(f.events().stream().noneMatch(ContainerFilesCopied.class::isInstance));
        f.archives.copyIn(id, "/tmp", TAR, 512, "sha256:cd", true, false, ROOT);
        assertEquals(1, f.files.extracted.size());
    }

    @Test
    void aCopyTheHostFailsToUnpackIsRecordedAsFailed() {
        String id = f.running(ALICE, "sleep", "60");
        f.files.extractFailure = new DomainException(DomainException.Kind.FAILED, "write /tmp/x: ENOSPC");
        List<Object> events = f.eventsOf(() -> assertThrows(DomainException.class,
                () -> f.archives.copyIn(id, "/tmp", TAR, 512, "sha256:ef", true, false, ALICE)));
        assertTrue(events.get(0) instanceof ContainerFilesCopied);
        ContainerFilesCopyFailed failed = (ContainerFilesCopyFailed) events.get(1);
        assertEquals("sha256:ef", failed.digest());
        assertTrue(failed.reason().contains("ENOSPC"));
    }

    @Test
    void aPathInAVolumeOrTmpfsIsRefusedBeforeAnything() {
        ContainerConfig withMounts = new ContainerConfig("busybox", null, List.of("true"), null, null, null, null, null,
                false, false, List.of(new ContainerConfig.Mount("/srv/data", "/data", false)), null, null, false, null,
                null, Map.of("/run", ""));
        String id = f.creation.create(null, withMounts, ROOT);
        for (String path : List.of("/data", "/data/x", "/run/../data/y", "/run")) {
            assertEquals(DomainException.Kind.INVALID, assertThrows(DomainException.class,
                    () -> f.archives.stat(id, path, ROOT)).kind(), path);
        }
        assertEquals("database", f.archives.stat(id, "/database", ROOT).name());
    }
}
