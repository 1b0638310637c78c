package dev.tally.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.tally.domain.DomainException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class IdRemapTest {

    @TempDir
    Path etc;

    private IdRemap remapOf(String user, String subuid, String subgid) throws IOException {
        Files.writeString(etc.resolve("passwd"), "root:x:0:0::/root:/bin/sh\nalice:x:1001:1001::/home/alice:/bin/sh\n");
        Files.writeString(etc.resolve("subuid"), subuid);
        Files.writeString(etc.resolve("subgid"), subgid);
        return IdRemap.forUser(user, etc);
    }

    @Test
    void theFirstRangeOfTheUserByNameIsTaken() throws IOException {
        assertEquals(new IdRemap(100000, 300000, 65536),
                remapOf("alice", "bob:165536:65536\nalice:100000:65536\nalice:500000:65536\n", "alice:300000:65536\n"));
    }

    @Test
    void aRangeListedByUidCountsToo() throws IOException {
        assertEquals(new IdRemap(200000, 200000, 65536), remapOf("alice", "1001:200000:65536\n", "1001:200000:65536\n"));
    }

    @Test
    void aLargerRangeIsCutToSixtyFiveThousandIds() throws IOException {
        assertEquals(65536, remapOf("alice", "alice:100000:1000000\n", "alice:100000:1000000\n").size());
    }

    @Test
    void theSmallerOfTheTwoRangesSetsTheSize() throws IOException {
        assertEquals(1000, remapOf("alice", "alice:100000:65536\n", "alice:100000:1000\n").size());
    }

    @Test
    void malformedLinesAndARangeOverHostRootAreNoRange() throws IOException {
        DomainException e = assertThrows(DomainException.class,
                () -> remapOf("alice", "alice:x:65536\nalice:0:65536\nalice:100000\n", "alice:100000:65536\n"));
        assertEquals(DomainException.Kind.INVALID, e.kind());
        assertEquals("no subordinate ids for user alice in " + etc.resolve("subuid"), e.getMessage());
    }

    @Test
    void aMissingGidRangeIsNamed() throws IOException {
        DomainException e = assertThrows(DomainException.class, () -> remapOf("alice", "alice:100000:65536\n", ""));
        assertEquals("no subordinate ids for user alice in " + etc.resolve("subgid"), e.getMessage());
    }

    @Test
    void theBundlesLineReadsBack() {
        IdRemap r = new IdRemap(100000, 200000, 65536);
        assertEquals(r, IdRemap.fromLine(r.asLine() + "\n"));
    }
}
