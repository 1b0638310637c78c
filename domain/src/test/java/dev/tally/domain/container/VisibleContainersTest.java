package dev.tally.domain.container;

import static dev.tally.domain.container.UseCaseFixture.ALICE;
import static dev.tally.domain.container.UseCaseFixture.BOB;
import static dev.tally.domain.container.UseCaseFixture.ROOT;
import static dev.tally.domain.container.UseCaseFixture.config;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.tally.domain.DomainException;
import dev.tally.domain.container.command.GrantContainerAccess;
import dev.tally.domain.container.query.ContainerView;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class VisibleContainersTest {

    private final UseCaseFixture f = new UseCaseFixture();

    @AfterEach
    void close() {
        f.close();
    }

    @Test
    void aUserSeesOnlyTheContainersTheyCreatedOrWereGranted() {
        String alices = f.creation.create("a", config("true"), ALICE);
        String bobs = f.creation.create("b", config("true"), BOB);
        String granted = f.creation.create("c", config("true"), BOB);
        f.commands.sendAndWait(new GrantContainerAccess(granted, new Grantee("alice", 1000), ROOT));
        List<String> seen = f.visible.list(true, ALICE).stream().map(ContainerView::id).sorted().toList();
        assertEquals(List.of(alices, granted).stream().sorted().toList(), seen);
        assertEquals(3, f.visible.list(true, ROOT).size());
        assertEquals(bobs, f.visible.require("b", BOB, "container.inspect").id());
    }

    @Test
    void anotherUsersContainerIsToldApartFromNoContainerByNothingButTheRecord() {
        String bobs = f.creation.create("b", config("true"), BOB);
        DomainException hidden = assertThrows(DomainException.class, () -> f.visible.require(bobs, ALICE, "container.inspect"));
        DomainException missing = assertThrows(DomainException.class, () -> f.visible.require("ab12", ALICE, "container.inspect"));
        assertEquals(DomainException.Kind.NOT_FOUND, hidden.kind());
        assertEquals(missing.getMessage().replace("ab12", bobs), hidden.getMessage());
        assertEquals(1, f.denials().size());
    }

    @Test
    void anIdPrefixNamesTheOneContainerOfTheCallersItMatches() {
        String alices = f.creation.create("a", config("true"), ALICE);
        f.creation.create("b", config("true"), BOB);
        assertEquals(alices, f.visible.require(alices.substring(0, 12), ALICE, "container.inspect").id());
    }
}
