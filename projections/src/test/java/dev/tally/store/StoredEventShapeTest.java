package dev.tally.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

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
import java.io.IOException;
import java.io.InputStream;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.axonframework.serialization.SerializedObject;
import org.axonframework.serialization.Serializer;
import org.axonframework.serialization.SimpleSerializedObject;
import org.axonframework.serialization.SimpleSerializedType;
import org.axonframework.serialization.UnknownSerializedType;
import org.junit.jupiter.api.Test;

/**
 * Events are forever: each event type's stored JSON, as tallyd's serializer wrote it when the type
 * was frozen, is kept under {@code src/test/resources/stored-events/} and must read back and be
 * written again byte for byte. A method an event gains (for its description) must not become a
 * property. To freeze a new type, add a sample below and run this test once with
 * {@code -Dtally.storedEvents.write=true}.
 */
class StoredEventShapeTest {

    private static final String DIR = "stored-events/";
    private static final Serializer SERIALIZER = EventStoreFactory.serializer();
    private static final Instant AT = Instant.parse("2026-11-23T10:00:00.123456789Z");
    private static final Actor ALICE = new Actor(1001, 1001, "alice", 42, "tcp:10.0.0.7:51234 cn=alice",
            List.of("alice", "tally"), 1000, "docker/28.2");
    private static final Grantee BOB = new Grantee("bob", 1002);

    /** One rich instance of each event type, used only to write the frozen forms. */
    static List<Object> samples() {
        ContainerConfig config = new ContainerConfig("busybox", List.of("/bin/sh"), List.of("-c", "true"),
                List.of("A=1"), "/w", "1000:1000", "h", Map.of("l", "v"), true, false,
                List.of(new ContainerConfig.Mount("data", "/data", true, true), new ContainerConfig.Mount("/srv", "/srv", false)),
                new ContainerConfig.Limits(1 << 20, 500_000_000L, 64, 512, "0-1", "0", 2 << 20), "none", true,
                new ContainerConfig.HostAccess(false, List.of("NET_ADMIN"), List.of("/dev/fuse"), List.of("x"), "host",
                        List.of("c 1:3 rwm")),
                new ContainerConfig.Hardening(true, List.of("ALL")), Map.of("/run", "size=64m"),
                new ContainerConfig.Setup(List.of("audio"), true, 128 << 20, "private", List.of("9.9.9.9"),
                        List.of("example.org"), List.of("ndots:2"), List.of("db:10.0.0.2")));
        return List.of(
                new AccessDenied(ALICE, "container.stop", "container/web", "not the owner", AT, 404),
                new ContainerAccessGranted("c0ffee", BOB, ALICE, AT),
                new ContainerAccessRevoked("c0ffee", BOB, ALICE, AT),
                new ContainerCreated("c0ffee", "web", config.withStop(new ContainerConfig.Stop("SIGQUIT", 30)), "sha256:beef", ALICE,
                        AT),
                new ContainerCreateFailed("c0ffee", "web", "write bundle: no space left on device", ALICE, AT),
                new ContainerExecExited("c0ffee", "e1", 3, ALICE, AT),
                new ContainerExecExitUnknown("c0ffee", "e2", "the daemon stopped while the exec ran", ALICE, AT),
                new ContainerExecStarted("c0ffee", "e1", new ExecSpec(List.of("ls", "-l"), true, "0", "/", List.of("B=2")),
                        ALICE, AT),
                new ContainerExited("c0ffee", 137, ALICE, AT),
                new ContainerExitUnknown("c0ffee", "no exit file was left", ALICE, AT),
                new ContainerKillRequested("c0ffee", "KILL", ALICE, AT),
                new ContainerRecoveryFailed("c0ffee", "runc state: exit status 1", ALICE, AT),
                new ContainerRemoved("c0ffee", "web", ALICE, AT, true),
                new ContainerStartFailed("c0ffee", "exec: no such file", ALICE, AT),
                new ContainerStartRequested("c0ffee", "web", ALICE, AT),
                new ContainerStarted("c0ffee", 4242L, ALICE, AT),
                new ContainerStdinAttached("c0ffee", ALICE, AT),
                new ContainerStopRequested("c0ffee", "TERM", 10, ALICE, AT),
                new ContainerUpdated("c0ffee", new ContainerConfig.Limits(32 << 20, 500_000_000L, 40, 512, "0-1", "0",
                        64 << 20), ALICE, AT),
                new ContainerPaused("c0ffee", ALICE, AT),
                new ContainerPauseFound("c0ffee", true, "found frozen at start-up while the log had it running", ALICE, AT),
                new ContainerUnpaused("c0ffee", ALICE, AT),
                new ContainerRenamed("c0ffee", "web", "web2", ALICE, AT),
                new ContainerFilesCopied("c0ffee", "/tmp", 10240L, "sha256:0a1b", ALICE, AT),
                new ContainerFilesCopyFailed("c0ffee", "/tmp", "sha256:0a1b", "write /tmp/x: ENOSPC", ALICE, AT),
                new ContainerFilesRead("c0ffee", "archive", "/etc", 10240L, "sha256:0a1b", ALICE, AT),
                new HostLeftoverRemoved("container", "c0ffee", "in no container of the log", ALICE, AT),
                new ImageImported("sha256:beef", "docker.io/library/busybox:latest", List.of("sha256:l1", "sha256:l2"),
                        1234L, ALICE, AT),
                new ImagePulled("sha256:beef", "127.0.0.1:5000/team/app:v1", "127.0.0.1:5000", "sha256:feed",
                        List.of("sha256:l1", "sha256:l2"), 1234L, true, ALICE, AT),
                new ImagePushed("sha256:beef", "127.0.0.1:5000/team/app:v1", "127.0.0.1:5000", "sha256:feed",
                        List.of("sha256:l1", "sha256:l2"), List.of("sha256:l2"), ALICE, AT),
                new ImageTagged("sha256:beef", "docker.io/library/busybox:1", ALICE, AT),
                new ImageReferenceMoved("sha256:beef", "busybox:1", "sha256:cafe", "tag", ALICE, AT),
                new ImageUntagged("sha256:beef", "busybox:1", ALICE, AT),
                new ImageRemoved("sha256:beef", List.of("sha256:l1", "sha256:l2"), "rmi", ALICE, AT),
                new ImageLoaded("sha256:beef", List.of("busybox:latest", "busybox:1"), "sha256:feed", List.of("sha256:l1"),
                        1234L, ALICE, AT),
                new ImageSaved("sha256:beef", List.of("busybox:latest"), "sha256:f00d", List.of("sha256:l1"), ALICE, AT),
                new ImageCommitted("sha256:beef", "c0ffee", "sha256:cafe", "sha256:0a1b", "sha256:feed",
                        List.of("sha256:l1", "sha256:l2"), 4096L, "alice/app:1", "first", ALICE, AT),
                new VolumeCreated("v1", "data", Map.of("l", "v"), ALICE, AT),
                new VolumeRemoved("v1", "data", ALICE, AT));
    }

    @Test
    void everyFrozenEventReadsBackAndIsWrittenAsItWasStored() throws Exception {
        if (Boolean.getBoolean("tally.storedEvents.write")) {
            write();
        }
        List<String> frozen = frozenForms();
        assertTrue(frozen.size() >= 18, "frozen forms: " + frozen);
        // twice over: the second pass reads with the readers the serializer made in the first (EventStoreFactory)
        for (String file : Stream.concat(frozen.stream(), frozen.stream()).toList()) {
            String type = file.substring(0, file.indexOf(".json")).replaceFirst("@.*", "");
            String stored = read(file);
            Object event = SERIALIZER.deserialize(new SimpleSerializedObject<>(stored.getBytes(StandardCharsets.UTF_8),
                    byte[].class, type, null));
            assertEquals(type, event.getClass().getName(), file);
            String written = new String(SERIALIZER.serialize(event, byte[].class).getData(), StandardCharsets.UTF_8);
            String expected = file.contains("@") ? read(file.replace(".json", ".rewritten")) : stored;
            assertEquals(expected, written, file);
        }
    }

    /** The serializer keeps the class of each type name it found (EventStoreFactory); a name it did not find is no class. */
    @Test
    void aTypeNoClassHasReadsAsUnknownEveryTimeAndTheEmptyTypeAsNothing() {
        for (int i = 0; i < 2; i++) {
            Object unknown = SERIALIZER.deserialize(new SimpleSerializedObject<>("{}".getBytes(StandardCharsets.UTF_8),
                    byte[].class, "dev.tally.domain.NoSuchEvent", null));
            assertTrue(unknown instanceof UnknownSerializedType, String.valueOf(unknown));
            assertEquals(UnknownSerializedType.class, SERIALIZER.classForType(new SimpleSerializedType("dev.tally.domain.NoSuchEvent", null)));
            assertEquals(Void.class, SERIALIZER.classForType(SimpleSerializedType.emptyType()));
            assertEquals(AccessDenied.class, SERIALIZER.classForType(new SimpleSerializedType(AccessDenied.class.getName(), null)));
        }
    }

    @Test
    void everyEventTypeIsFrozen() throws Exception {
        List<String> types = frozenForms().stream().map(f -> f.replaceFirst("(@.*)?\\.json$", "")).toList();
        for (Object sample : samples()) {
            assertTrue(types.contains(sample.getClass().getName()), "no frozen form for " + sample.getClass());
        }
    }

    /** A refusal stored before its status was recorded reads as one with no status: a 403. */
    @Test
    void aRefusalStoredWithoutItsStatusIsA403() throws Exception {
        AccessDenied d = (AccessDenied) SERIALIZER.deserialize(new SimpleSerializedObject<>(
                read(AccessDenied.class.getName() + "@before-status.json").getBytes(StandardCharsets.UTF_8),
                byte[].class, AccessDenied.class.getName(), null));
        assertEquals(null, d.status());
        assertEquals(403, d.statusOr403());
    }

    private static List<String> frozenForms() throws IOException, URISyntaxException {
        Path dir = Path.of(StoredEventShapeTest.class.getClassLoader().getResource(DIR).toURI());
        try (Stream<Path> files = Files.list(dir)) {
            return new ArrayList<>(new TreeSet<>(files.map(p -> p.getFileName().toString())
                    .filter(n -> n.endsWith(".json")).toList()));
        }
    }

    private static String read(String file) throws IOException {
        try (InputStream in = StoredEventShapeTest.class.getClassLoader().getResourceAsStream(DIR + file)) {
            assertTrue(in != null, "missing " + DIR + file);
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    /** Writes the frozen form of each sample whose type has none yet (never overwrites one). */
    private static void write() throws IOException {
        Path dir = Path.of("src/test/resources", DIR);
        Files.createDirectories(dir);
        for (Object sample : samples()) {
            Path file = dir.resolve(sample.getClass().getName() + ".json");
            if (!Files.exists(file)) {
                SerializedObject<byte[]> s = SERIALIZER.serialize(sample, byte[].class);
                Files.write(file, s.getData());
            }
        }
    }
}
