package dev.tally.domain.access;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tally.domain.Actor;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class AccessPolicyTest {

    private static Actor user(int uid, String name, String... groups) {
        return new Actor(uid, uid, name, 1, "unix:pid=1", List.of(groups), null, "");
    }

    @Test
    void rootAdminGroupMembersAndNamedUsersAreAdmins() {
        AccessPolicy p = new AccessPolicy(Set.of("carol"), null, null);
        assertTrue(p.isAdmin(user(0, "root")));
        assertTrue(p.isAdmin(user(1001, "dave", "dave", "tally-admin")));
        assertTrue(p.isAdmin(user(1002, "carol", "carol", "tally")));
        assertFalse(p.isAdmin(user(1003, "alice", "alice", "tally")));
    }

    @Test
    void bindPathsMustLieUnderAnAllowedDirectoryAfterNormalizing() {
        AccessPolicy p = new AccessPolicy(null, null, List.of("/srv/shared"));
        assertTrue(p.bindAllowed("/srv/shared"));
        assertTrue(p.bindAllowed("/srv/shared/alice/data"));
        assertFalse(p.bindAllowed("/srv/shared/../../etc"));
        assertFalse(p.bindAllowed("/srv/sharedother"));
        assertFalse(p.bindAllowed("/etc"));
        assertFalse(p.bindAllowed("relative"));
    }
}
