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
    void anInstructionTallyDoesNotApplyIsRefusedByName() {
        for (String change : List.of("EXPOSE 80", "VOLUME /data", "ONBUILD RUN x", "STOPSIGNAL TERM", "HEALTHCHECK NONE")) {
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
