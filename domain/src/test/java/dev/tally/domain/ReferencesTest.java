package dev.tally.domain;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class ReferencesTest {

    private record Obj(String id, String name) {
    }

    private static final String ADMINS = "3f0c9e2a71b4" + "0".repeat(52);
    private static final String USERS = "9a" + "1".repeat(62);

    private static Optional<Obj> choose(String key, Obj... candidates) {
        return References.choose(key, List.of(candidates), Obj::id, o -> o.name().equals(key));
    }

    @Test
    void twelveToSixtyFourLowercaseHexDigitsLookLikeAnId() {
        assertTrue(References.looksLikeId("3f0c9e2a71b4"));
        assertTrue(References.looksLikeId(ADMINS));
        assertFalse(References.looksLikeId("3f0c9e2a71b"), "eleven digits");
        assertFalse(References.looksLikeId(ADMINS + "0"), "sixty-five digits");
        assertFalse(References.looksLikeId("3F0C9E2A71B4"), "upper case");
        assertFalse(References.looksLikeId("cafe"));
        assertFalse(References.looksLikeId("web-3f0c9e2a71b4"));
        assertFalse(References.looksLikeId(null));
    }

    @Test
    void aFullIdComesFirst() {
        Obj named = new Obj(USERS, ADMINS);
        Obj admins = new Obj(ADMINS, "db");
        assertEquals(Optional.of(admins), choose(ADMINS, named, admins));
    }

    /** Names stored before they were refused: a short id still finds its object, not the name. */
    @Test
    void aStoredNameThatLooksLikeAShortIdDoesNotCaptureIt() {
        Obj named = new Obj(USERS, "3f0c9e2a71b4");
        Obj admins = new Obj(ADMINS, "db");
        assertEquals(Optional.of(admins), choose("3f0c9e2a71b4", named, admins));
        assertEquals(Optional.of(named), choose("3f0c9e2a71b4", named), "with no such id, the name still answers");
    }

    @Test
    void anExactNameComesBeforeAShortPrefixAsInDockerWhenNoOtherIdBeginsWithIt() {
        Obj web = new Obj(USERS, "web");
        Obj prefixed = new Obj("cafe" + "2".repeat(60), "db");
        assertEquals(Optional.of(web), choose("web", web, prefixed));
        assertEquals(Optional.of(prefixed), choose("cafe2", web, prefixed));
        Obj cafe = new Obj(USERS, "cafe");
        assertEquals(Optional.of(cafe), choose("cafe", cafe), "a hex name no other id begins with still answers");
        Obj ownPrefix = new Obj("cafe" + "3".repeat(60), "cafe");
        assertEquals(Optional.of(ownPrefix), choose("cafe", ownPrefix), "its own id beginning so is no ambiguity");
    }

    /** An admin types the 4 or 11 digits of an id; a user named a container so: neither is chosen. */
    @Test
    void aHexNameThatAnotherIdBeginsWithNamesNeither() {
        Obj cafe = new Obj(USERS, "cafe");
        Obj prefixed = new Obj("cafe" + "2".repeat(60), "db");
        assertEquals(Optional.empty(), choose("cafe", cafe, prefixed));
        Obj eleven = new Obj(USERS, "3f0c9e2a71b");
        Obj admins = new Obj(ADMINS, "db");
        assertEquals(Optional.empty(), choose("3f0c9e2a71b", eleven, admins));
        Obj named = new Obj(USERS, "cafe-web");
        assertEquals(Optional.of(named), choose("cafe-web", named, prefixed), "a name with a non-hex letter is only a name");
        assertTrue(References.nameShadowsAPrefix("cafe", true));
        assertFalse(References.nameShadowsAPrefix("cafe", false));
        assertFalse(References.nameShadowsAPrefix("Cafe", true), "ids are lowercase");
        Obj db = new Obj(USERS, "db");
        Obj dbPrefixed = new Obj("db" + "2".repeat(62), "web");
        assertEquals(Optional.of(db), choose("db", db, dbPrefixed), "under 4 digits a name is a name, as in Docker");
    }

    @Test
    void aPrefixOfMoreThanOneIdNamesNone() {
        Obj one = new Obj("3f0c9e2a71b4" + "1".repeat(52), "one");
        Obj two = new Obj("3f0c9e2a71b4" + "2".repeat(52), "two");
        Obj named = new Obj(USERS, "3f0c9e2a71b4");
        assertEquals(Optional.empty(), choose("3f0c", one, two));
        assertEquals(Optional.empty(), choose("3f0c9e2a71b4", one, two, named), "an ambiguous short id falls to no name");
    }
}
