package dev.tally.projections;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tally.domain.Actor;
import dev.tally.domain.access.event.AccessDenied;
import dev.tally.domain.container.event.ContainerStartFailed;
import dev.tally.domain.container.event.ContainerStartRequested;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class AuditRecordsTest {

    private static final Instant AT = Instant.parse("2026-11-23T10:00:00.123456789Z");
    private static final Actor ALICE = new Actor(1000, 1000, "alice", 42, "tcp:10.0.0.7:51234 cn=alice",
            List.of("alice", "tally"), 1000, "docker/28.2");
    private static final AuditRecords.KnownContainer WEB = new AuditRecords.KnownContainer("c0ffee", "web",
            "busybox:latest", "sha256:beef");

    private static Optional<AuditRecords.KnownContainer> known(String id) {
        return id.equals("c0ffee") ? Optional.of(WEB) : Optional.empty();
    }

    @Test
    void anIntentIsRequestedWithItsContainersNameAndImage() {
        AuditRow r = AuditRecords.of(7, "e-7", AT, new ContainerStartRequested("c0ffee", "web", ALICE, AT),
                AuditRecordsTest::known);
        assertEquals("container.start", r.action());
        assertEquals("requested", r.outcome());
        assertEquals(202, r.code());
        assertEquals("web", r.containerName());
        assertEquals("busybox:latest", r.image());
        assertEquals("alice", r.username());
        assertFalse(r.denied());
        for (String field : List.of("\"seq\":7", "\"stage\":\"RequestReceived\"", "\"sourceIPs\":[\"10.0.0.7\"]",
                "\"groups\":[\"alice\",\"tally\"]", "\"loginuid\":\"1000\"", "\"userAgent\":\"docker/28.2\"",
                "\"objectRef\":{\"resource\":\"containers\",\"name\":\"web\",\"id\":\"c0ffee\"",
                "\"requestReceivedTimestamp\":\"2026-11-23T10:00:00.123456789Z\"")) {
            assertTrue(r.doc().contains(field), field + " in " + r.doc());
        }
    }

    /** The record is written without the mapper, for speed: its text must still be what the mapper writes. */
    @Test
    void aRecordIsTheJsonTheMapperWouldWrite() throws Exception {
        Actor noLogin = new Actor(0, 0, "root", 1, "unix:pid=1", List.of("root"), null, "tally \"cli\"\n");
        for (AuditRow r : List.of(
                AuditRecords.of(7, "e-7", AT, new ContainerStartRequested("c0ffee", "web", ALICE, AT), AuditRecordsTest::known),
                AuditRecords.of(9, "e-9", AT, new ContainerStartFailed("c0ffee", "é \u0001 </x>", noLogin, AT),
                        AuditRecordsTest::known))) {
            Object asMaps = ViewStore.JSON.readValue(r.doc(), java.util.LinkedHashMap.class);
            assertEquals(ViewStore.JSON.writeValueAsString(asMaps), r.doc());
        }
        assertTrue(AuditRecords.of(9, "e-9", AT, new ContainerStartFailed("c0ffee", "x", noLogin, AT),
                AuditRecordsTest::known).doc().contains("\"loginuid\":null"));
    }

    @Test
    void aFailedStartIsAFailureWithItsReason() {
        AuditRow r = AuditRecords.of(8, "e-8", AT, new ContainerStartFailed("c0ffee", "exec: no such file", ALICE, AT),
                AuditRecordsTest::known);
        assertEquals("failure", r.outcome());
        assertEquals(500, r.code());
        assertTrue(r.doc().contains("\"message\":\"exec: no such file\""), r.doc());
    }

    @Test
    void aRefusalIsDenied403WithTheReasonAndTheContainerItWasAbout() {
        AuditRow r = AuditRecords.of(9, "e-9", AT, new AccessDenied(ALICE, "container.stop", "container/web",
                "not the owner", AT), AuditRecordsTest::known);
        assertTrue(r.denied());
        assertEquals(403, r.code());
        assertEquals("container.stop", r.action());
        assertEquals("web", r.containerName());
        assertEquals("", r.containerId(), "a name is not resolved: it may have named another container then");
        assertTrue(r.doc().contains("\"authorization.tally.dev/reason\":\"not the owner\""), r.doc());
        AuditRow byId = AuditRecords.of(9, "e-9", AT, new AccessDenied(ALICE, "container.stop", "container/c0ffee",
                "not the owner", AT), AuditRecordsTest::known);
        assertEquals("c0ffee", byId.containerId());
        assertEquals("web", byId.containerName());
    }

    /** A name asked for at create that spells a known container's id is that name, not that container. */
    @Test
    void aRefusedCreateIsRecordedUnderTheNameAskedForNeverAsTheContainerItSpells() {
        AuditRow r = AuditRecords.of(10, "e-10", AT, new AccessDenied(ALICE, "container.create", "container/c0ffee",
                "the name reads as a container id", AT, 400), AuditRecordsTest::known);
        assertEquals("c0ffee", r.containerName());
        assertEquals("c0ffee", r.objectName());
        assertEquals("", r.containerId(), "not the known container c0ffee (web)");
        assertEquals("", r.objectId());
        assertTrue(r.doc().contains("\"objectRef\":{\"resource\":\"containers\",\"name\":\"c0ffee\",\"id\":\"\""),
                r.doc());
    }

    @Test
    void aRefusalAnsweredAsMissingIsRecordedWithThe404TheCallerGot() {
        AuditRow r = AuditRecords.of(11, "e-11", AT, new AccessDenied(ALICE, "container.stop", "container/web",
                "not the owner", AT, 404), AuditRecordsTest::known);
        assertTrue(r.denied());
        assertEquals(404, r.code());
    }

    @Test
    void aGrantIsARecordOfItsContainerNamingTheGrantee() {
        AuditRow r = AuditRecords.of(12, "e-12", AT, new dev.tally.domain.container.event.ContainerAccessGranted("c0ffee",
                new dev.tally.domain.container.Grantee("bob", 1002), ALICE, AT), AuditRecordsTest::known);
        assertEquals("container.grant", r.action());
        assertEquals("c0ffee", r.containerId());
        assertTrue(r.doc().contains("\"grantee\":\"bob\""), r.doc());
    }

    /** An event type added after the mapping still gets a record. */
    record ContainerGranted(String containerId, String grantee, Actor actor, Instant at) {
    }

    @Test
    void anEventTheMappingDoesNotKnowStillGetsARecordWithItsActor() {
        AuditRow r = AuditRecords.of(10, "e-10", AT, new ContainerGranted("c0ffee", "bob", ALICE, AT),
                AuditRecordsTest::known);
        assertEquals("container.granted", r.action());
        assertEquals("c0ffee", r.containerId());
        assertEquals("alice", r.username());
        assertEquals(AT, r.at());
    }

    @Test
    void unixCallersHaveNoSourceIp() {
        assertEquals(List.of(), AuditRecords.sourceIps("unix:pid=12"));
        assertEquals(List.of("::1"), AuditRecords.sourceIps("tcp:[::1]:4000 cn=bob"));
    }
}
