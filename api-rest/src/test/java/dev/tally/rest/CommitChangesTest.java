package dev.tally.rest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tally.domain.DomainException;
import dev.tally.domain.image.ImageCommits;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class CommitChangesTest {

    @Test
    void theInstructionsTallyAppliesBecomeTheChangesInBothForms() {
        ImageCommits.Changes c = CommitChanges.parse(List.of("CMD [\"cat\", \"/hello\"]", "entrypoint /bin/app --fast",
                "ENV A=1 B=\"two words\"", "ENV LEGACY some value", "LABEL team=infra", "USER 1000:1000", "WORKDIR /srv"));
        assertEquals(List.of("cat", "/hello"), c.cmd());
        assertEquals(List.of("/bin/sh", "-c", "/bin/app --fast"), c.entrypoint());
        assertEquals(List.of("A=1", "B=two words", "LEGACY=some value"), c.env());
        assertEquals(Map.of("team", "infra"), c.labels());
        assertEquals(List.of("1000:1000", "/srv"), List.of(c.user(), c.workingDir()));
    }

    @Test
    void portsVolumesAndTheStopSignalAreAppliedAsDockerdWritesThem() {
        ImageCommits.Changes c = CommitChanges.parse(List.of("EXPOSE 80 53/UDP 8000-8002", "VOLUME [\"/data\", \"/x\"]",
                "VOLUME /logs", "STOPSIGNAL SIGINT"));
        assertEquals(List.of("80/tcp", "53/udp", "8000/tcp", "8001/tcp", "8002/tcp"), c.exposedPorts());
        assertEquals(List.of("/data", "/x", "/logs"), c.volumes());
        assertEquals("SIGINT", c.stopSignal());
        for (String bad : List.of("EXPOSE 80/icmp", "EXPOSE 0", "EXPOSE 9-2", "VOLUME relative", "STOPSIGNAL kill me")) {
            DomainException e = assertThrows(DomainException.class, () -> CommitChanges.parse(List.of(bad)));
            assertEquals(DomainException.Kind.INVALID, e.kind(), bad);
        }
    }

    @Test
    void theChangesGoOverTheRequestsConfigAndAnEntrypointDropsItsCommand() {
        ImageCommits.Changes body = new ImageCommits.Changes(List.of(), List.of("serve"), List.of("A=1", "B=1"), "/srv",
                "app", Map.of("l", "body"), List.of("80/tcp"), List.of("/data"), "SIGTERM");
        ImageCommits.Changes all = CommitChanges.parse(List.of("ENV B=2", "LABEL l=change", "EXPOSE 81",
                "ENTRYPOINT [\"/bin/app\"]")).over(body);
        assertEquals(List.of("/bin/app"), all.entrypoint());
        assertEquals(List.of(), all.cmd());
        assertEquals(List.of("A=1", "B=1", "B=2"), all.env());
        assertEquals(Map.of("l", "change"), all.labels());
        assertEquals(List.of("80/tcp", "81/tcp"), all.exposedPorts());
        assertEquals(List.of("/srv", "app", "SIGTERM"), List.of(all.workingDir(), all.user(), all.stopSignal()));
        assertEquals(body, ImageCommits.Changes.NONE.over(body));
    }

    @Test
    void anInstructionTallyDoesNotApplyIsRefusedByName() {
        for (String change : List.of("ONBUILD RUN x", "HEALTHCHECK NONE", "ARG x", "RUN true", "FROM busybox")) {
            DomainException e = assertThrows(DomainException.class, () -> CommitChanges.parse(List.of(change)));
            assertEquals(DomainException.Kind.INVALID, e.kind());
            assertTrue(e.getMessage().contains(change.split(" ")[0]), e.getMessage());
        }
        assertEquals(DomainException.Kind.INVALID, assertThrows(DomainException.class,
                () -> CommitChanges.parse(List.of("ENV A=\"unclosed"))).kind());
        assertEquals(DomainException.Kind.INVALID, assertThrows(DomainException.class,
                () -> CommitChanges.parse(List.of("USER"))).kind());
    }

    @Test
    void noChangesChangeNothing() {
        assertEquals(ImageCommits.Changes.NONE, CommitChanges.parse(List.of()));
        assertEquals(ImageCommits.Changes.NONE, CommitChanges.parse(null));
    }
}
