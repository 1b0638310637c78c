package dev.tally.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tally.domain.DomainException;
import java.util.List;
import org.junit.jupiter.api.Test;

/** {@code --user} as runc's library decides it for dockerd, from an image's passwd and group files. */
class ImageUserTest {

    private static final String PASSWD = """
            root:x:0:0:root:/root:/bin/sh
            # a comment
            app:x:1000:1500::/home/app:/bin/sh
            shadowed:x:1000:1:::
            broken:x:notanumber:1:::
            """;
    private static final String GROUP = """
            root:x:0:root
            wheel:x:10:root,app
            appgroup:x:1500:
            extra:x:1700:app,other
            """;

    @Test
    void aNumericUidTakesTheGidAndGroupsOfItsPasswdEntryNotTheUidAsGid() {
        assertEquals(new ImageUser(1000, 1500, List.of(10, 1700)), ImageUser.of("1000", PASSWD, GROUP));
    }

    @Test
    void aNumericUidWithNoEntryRunsWithGidZero() {
        assertEquals(new ImageUser(4242, 0, List.of()), ImageUser.of("4242", PASSWD, GROUP));
    }

    @Test
    void aNameTakesItsEntrysUidAndGidAndTheGroupsThatListIt() {
        assertEquals(new ImageUser(1000, 1500, List.of(10, 1700)), ImageUser.of("app", PASSWD, GROUP));
    }

    @Test
    void anExplicitGroupReplacesTheGidAndAddsNoSupplementaryGroups() {
        assertEquals(new ImageUser(1000, 1700, List.of()), ImageUser.of("app:extra", PASSWD, GROUP));
        assertEquals(new ImageUser(1000, 33, List.of()), ImageUser.of("app:33", PASSWD, GROUP));
        assertEquals(new ImageUser(4242, 10, List.of()), ImageUser.of("4242:wheel", PASSWD, GROUP));
    }

    @Test
    void noUserIsRootsEntryWithItsGroups() {
        assertEquals(new ImageUser(0, 0, List.of(0, 10)), ImageUser.of("", PASSWD, GROUP));
        assertEquals(new ImageUser(0, 0, List.of()), ImageUser.of("", "", ""));
    }

    @Test
    void aNameOrGroupWithNoEntryIsRefusedInDockersWords() {
        DomainException u = assertThrows(DomainException.class, () -> ImageUser.of("nobody-here", PASSWD, GROUP));
        assertEquals(DomainException.Kind.INVALID, u.kind());
        assertTrue(u.getMessage().contains("unable to find user nobody-here"), u.getMessage());
        DomainException g = assertThrows(DomainException.class, () -> ImageUser.of("app:nogroup", PASSWD, GROUP));
        assertTrue(g.getMessage().contains("unable to find group nogroup"), g.getMessage());
        assertEquals(DomainException.Kind.INVALID, assertThrows(DomainException.class,
                () -> ImageUser.of("99999999999", PASSWD, GROUP)).kind());
    }

    @Test
    void groupAddTakesNumbersAndNamesOfTheImagesGroupFile() {
        assertEquals(1700, ImageUser.groupId("extra", GROUP));
        assertEquals(77, ImageUser.groupId("77", GROUP));
        assertThrows(DomainException.class, () -> ImageUser.groupId("missing", GROUP));
    }
}
