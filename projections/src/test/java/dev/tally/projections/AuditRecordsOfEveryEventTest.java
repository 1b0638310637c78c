package dev.tally.projections;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.tally.domain.Actor;
import dev.tally.domain.access.event.AccessDenied;
import dev.tally.domain.container.ContainerConfig;
import dev.tally.domain.container.ExecSpec;
import dev.tally.domain.container.Grantee;
import dev.tally.domain.container.event.ContainerAccessGranted;
import dev.tally.domain.container.event.ContainerAccessRevoked;
import dev.tally.domain.container.event.ContainerCreateFailed;
import dev.tally.domain.container.event.ContainerCreated;
import dev.tally.domain.container.event.ContainerExecExitUnknown;
import dev.tally.domain.container.event.ContainerExecExited;
import dev.tally.domain.container.event.ContainerExecStarted;
import dev.tally.domain.container.event.ContainerExitUnknown;
import dev.tally.domain.container.event.ContainerExited;
import dev.tally.domain.container.event.ContainerKillRequested;
import dev.tally.domain.container.event.ContainerRecoveryFailed;
import dev.tally.domain.container.event.ContainerRemoved;
import dev.tally.domain.container.event.ContainerStartFailed;
import dev.tally.domain.container.event.ContainerStartRequested;
import dev.tally.domain.container.event.ContainerStarted;
import dev.tally.domain.container.event.ContainerStdinAttached;
import dev.tally.domain.container.event.ContainerStopRequested;
import dev.tally.domain.container.event.ContainerUpdated;
import dev.tally.domain.container.event.ContainerFilesCopied;
import dev.tally.domain.container.event.ContainerFilesRead;
import dev.tally.domain.container.event.ContainerFilesCopyFailed;
import dev.tally.domain.container.event.ContainerPauseFound;
import dev.tally.domain.container.event.ContainerPaused;
import dev.tally.domain.container.event.ContainerRenamed;
import dev.tally.domain.container.event.ContainerUnpaused;
import dev.tally.domain.host.event.HostLeftoverRemoved;
import dev.tally.domain.image.event.ImageImported;
import dev.tally.domain.image.event.ImageReferenceMoved;
import dev.tally.domain.image.event.ImageRemoved;
import dev.tally.domain.image.event.ImagePulled;
import dev.tally.domain.image.event.ImagePushed;
import dev.tally.domain.image.event.ImageCommitted;
import dev.tally.domain.image.event.ImageLoaded;
import dev.tally.domain.image.event.ImageSaved;
import dev.tally.domain.image.event.ImageTagged;
import dev.tally.domain.image.event.ImageUntagged;
import dev.tally.domain.volume.event.VolumeCreated;
import dev.tally.domain.volume.event.VolumeRemoved;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * The audit record of every event type, as the per-event mapping wrote it before events described
 * themselves ({@code src/test/resources/audit-records.golden}): the records must not change.
 */
class AuditRecordsOfEveryEventTest {

    private static final Instant AT = Instant.parse("2026-11-23T10:00:00.123456789Z");
    private static final Actor ALICE = new Actor(1001, 1001, "alice", 42, "tcp:10.0.0.7:51234 cn=alice",
            List.of("alice", "tally"), 1000, "docker/28.2");
    private static final Actor DAEMON = new Actor(0, 0, "tallyd", 1, "daemon");
    private static final Grantee BOB = new Grantee("bob", 1002);
    private static final ContainerConfig CONFIG = new ContainerConfig("busybox", null, List.of("sh", "-c", "true"),
            null, null, null, null, null, false, false, null, null, null, false, null);

    static List<Object> events() {
        return List.of(
                new ContainerCreated("c0ffee", "web", CONFIG, "sha256:beef", ALICE, AT),
                new ContainerStartRequested("c0ffee", "web", ALICE, AT),
                new ContainerStarted("c0ffee", 4242L, ALICE, AT),
                new ContainerStartFailed("c0ffee", "exec: no such file", ALICE, AT),
                new ContainerStopRequested("c0ffee", "TERM", 10, ALICE, AT),
                new ContainerStopRequested("c0ffee", null, 0, ALICE, AT),
                new ContainerKillRequested("c0ffee", "KILL", ALICE, AT),
                new ContainerExited("c0ffee", 137, DAEMON, AT),
                new ContainerExecStarted("c0ffee", "e1", new ExecSpec(List.of("ls", "-l"), true, "0", "/", List.of()),
                        ALICE, AT),
                new ContainerExecExited("c0ffee", "e1", 3, DAEMON, AT),
                new ContainerAccessGranted("c0ffee", BOB, ALICE, AT),
                new ContainerAccessRevoked("c0ffee", BOB, ALICE, AT),
                new ContainerRemoved("c0ffee", "web", ALICE, AT),
                new ContainerStarted("dead00", 1L, ALICE, AT),
                new ImageImported("sha256:beef", "docker.io/library/busybox:latest", List.of("sha256:l1"), 1234L, ALICE, AT),
                new ImageTagged("sha256:beef", "busybox:1", ALICE, null),
                new VolumeCreated("v1", "data", Map.of("l", "v"), ALICE, AT),
                new VolumeRemoved("v1", "data", ALICE, AT),
                new AccessDenied(ALICE, "container.stop", "container/web", "not the owner", AT),
                new AccessDenied(ALICE, "container.stop", "container/c0ffee", "not the owner", AT, 404),
                new AccessDenied(ALICE, "container.create", "image/Busy Box", "not allowed", AT),
                new AccessDenied(ALICE, "container.create", "image/busybox", "not allowed", AT, 403),
                new AccessDenied(ALICE, "audit.verify", "", "admins only", AT),
                new AccessDenied(ALICE, "info", "volume/data", "no", AT),
                new ContainerStdinAttached("c0ffee", ALICE, AT),
                new ContainerRecoveryFailed("c0ffee", "runc state: exit status 1", DAEMON, AT),
                new ContainerExitUnknown("c0ffee", "no exit file was left", DAEMON, AT),
                new HostLeftoverRemoved("container", "ab12", "in no container of the log", DAEMON, AT),
                new ContainerCreateFailed("c0ffee", "web", "write bundle: no space left on device", ALICE, AT),
                new ContainerExecExitUnknown("c0ffee", "e2", "the daemon stopped while the exec ran", DAEMON, AT),
                new ContainerUpdated("c0ffee", new ContainerConfig.Limits(32 << 20, 500_000_000L, 40, 512, "0-1", "",
                        64 << 20), ALICE, AT),
                new ImageReferenceMoved("sha256:beef", "busybox:1", "sha256:cafe", "tag", ALICE, AT),
                new ImageReferenceMoved("sha256:beef", "alice/tools:1", "", "pull", ALICE, AT),
                new ImageUntagged("sha256:beef", "busybox:1", ALICE, AT),
                new ImageRemoved("sha256:beef", List.of("sha256:l1"), "rmi", ALICE, AT),
                new ImagePulled("sha256:beef", "127.0.0.1:5000/team/app:v1", "127.0.0.1:5000", "sha256:feed",
                        List.of("sha256:l1", "sha256:l2"), 1234L, true, ALICE, AT),
                new ImagePushed("sha256:beef", "127.0.0.1:5000/team/app:v1", "127.0.0.1:5000", "sha256:feed",
                        List.of("sha256:l1", "sha256:l2"), List.of("sha256:l2"), ALICE, AT),
                new ContainerPaused("c0ffee", ALICE, AT),
                new ContainerUnpaused("c0ffee", ALICE, AT),
                new ContainerRenamed("c0ffee", "web", "web2", ALICE, AT),
                new ContainerFilesCopied("c0ffee", "/tmp", 10240L, "sha256:0a1b", ALICE, AT),
                new ContainerFilesCopyFailed("c0ffee", "/tmp", "sha256:0a1b", "write /tmp/x: ENOSPC", ALICE, AT),
                new ImageLoaded("sha256:beef", List.of("busybox:latest"), "sha256:feed", List.of("sha256:l1"), 1234L, ALICE, AT),
                new ImageLoaded("sha256:beef", List.of(), "sha256:feed", List.of("sha256:l1"), 1234L, ALICE, AT),
                new ImageSaved("sha256:beef", List.of("busybox:latest"), "sha256:f00d", List.of("sha256:l1"), ALICE, AT),
                new ImageCommitted("sha256:beef", "c0ffee", "sha256:cafe", "sha256:0a1b", "sha256:feed",
                        List.of("sha256:l1", "sha256:l2"), 4096L, "alice/app:1", "first", ALICE, AT),
                new ImageCommitted("sha256:beef", "c0ffee", "sha256:cafe", "sha256:0a1b", "sha256:feed",
                        List.of("sha256:l1", "sha256:l2"), 4096L, "", "", ALICE, AT),
                new ContainerPauseFound("c0ffee", true, "found frozen at start-up while the log had it running", DAEMON, AT),
                new ContainerFilesRead("c0ffee", "archive", "/etc", 10240L, "sha256:0a1b", ALICE, AT),
                new ContainerFilesRead("c0ffee", "stat", "/etc/passwd", 812L, "", ALICE, AT),
                new ContainerFilesRead("c0ffee", "export", "/", 2048000L, "sha256:0c1d", ALICE, AT));
    }

    private static Optional<AuditRecords.KnownContainer> known(String id) {
        return id.equals("c0ffee") ? Optional.of(new AuditRecords.KnownContainer("c0ffee", "web", "busybox:latest",
                "sha256:beef")) : Optional.empty();
    }

    static String records() {
        StringBuilder out = new StringBuilder();
        long seq = 1;
        for (Object e : events()) {
            AuditRow r = AuditRecords.of(seq, "e-" + seq, AT.plusSeconds(seq), e, AuditRecordsOfEveryEventTest::known);
            AuditRow searched = AuditRecords.searched(seq, AT.plusSeconds(seq), e, AuditRecordsOfEveryEventTest::known);
            out.append(r).append('\n').append(searched).append('\n');
            seq++;
        }
        return out.toString();
    }

    @Test
    void everyEventsRecordIsAsItWas() throws Exception {
        if (Boolean.getBoolean("tally.golden.write")) {
            Files.writeString(Path.of("src/test/resources/audit-records.golden"), records());
        }
        try (InputStream in = getClass().getClassLoader().getResourceAsStream("audit-records.golden")) {
            assertEquals(new String(in.readAllBytes(), StandardCharsets.UTF_8), records());
        }
    }
}
