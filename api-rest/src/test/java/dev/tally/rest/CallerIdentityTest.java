package dev.tally.rest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import dev.tally.domain.Actor;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CallerIdentityTest {

    @TempDir
    Path dir;

    private HostAccounts accounts;
    private Path proc;

    @BeforeEach
    void hostFiles() throws IOException {
        Files.writeString(dir.resolve("passwd"), "root:x:0:0:root:/root:/bin/bash\n"
                + "alice:x:1001:1001::/home/alice:/bin/sh\n");
        Files.writeString(dir.resolve("group"), "root:x:0:\nalice:x:1001:\ntally:x:995:alice,bob\n"
                + "tally-admin:x:996:carol\n");
        accounts = new HostAccounts(dir.resolve("passwd"), dir.resolve("group"));
        proc = dir.resolve("proc");
    }

    private void process(int pid, int uid, String groups, String loginUid) throws IOException {
        Path p = Files.createDirectories(proc.resolve(Integer.toString(pid)));
        Files.writeString(p.resolve("status"), "Name:\tdocker\nUid:\t" + uid + "\t" + uid + "\t" + uid + "\t" + uid
                + "\nGid:\t1001\t1001\t1001\t1001\nGroups:\t" + groups + "\n");
        Files.writeString(p.resolve("loginuid"), loginUid + "\n");
    }

    @Test
    void groupsAreThoseTheAccountHasAndTheProcessHoldsPrimaryFirstAndTheLoginUidIsRecorded() throws IOException {
        Files.writeString(dir.resolve("group"), "alice:x:1001:\ntally:x:995:alice,bob\ntally-admin:x:996:carol,alice\n");
        process(77, 1001, "995 996 ", "1000");
        Actor a = CallerIdentity.peer(1001, 1001, 77, proc, accounts);
        assertEquals("alice", a.user());
        assertEquals(List.of("alice", "tally", "tally-admin"), a.groups());
        assertEquals(1000, a.loginUid());
        assertEquals("unix:pid=77", a.source());
    }

    /** Issue 10, finding 8: a shell that logged in while alice was an admin is no admin's once she is not. */
    @Test
    void aGroupTheAccountNoLongerHasCountsForNothingThoughTheProcessStillHoldsIt() throws IOException {
        process(82, 1001, "995 996", "1000"); // /etc/group lists tally-admin for carol only
        assertEquals(List.of("alice", "tally"), CallerIdentity.peer(1001, 1001, 82, proc, accounts).groups());
    }

    @Test
    void aGroupTheProcessDroppedStaysDropped() throws IOException {
        Files.writeString(dir.resolve("group"), "alice:x:1001:\ntally:x:995:alice,bob\ntally-admin:x:996:alice\n");
        process(83, 1001, "995", "1000");
        assertEquals(List.of("alice", "tally"), CallerIdentity.peer(1001, 1001, 83, proc, accounts).groups());
    }

    @Test
    void anUnsetLoginUidIsNull() throws IOException {
        process(78, 1001, "995", "4294967295");
        assertNull(CallerIdentity.peer(1001, 1001, 78, proc, accounts).loginUid());
    }

    @Test
    void aProcessThatIsGoneOrSomeoneElsesLendsNoGroupsAndEtcGroupAnswers() throws IOException {
        process(79, 0, "0 996", "0"); // the pid now belongs to a root process in tally-admin
        assertEquals(List.of("alice", "tally"), CallerIdentity.peer(1001, 1001, 79, proc, accounts).groups());
        assertEquals(List.of("alice", "tally"), CallerIdentity.peer(1001, 1001, 80, proc, accounts).groups());
    }

    @Test
    void anUnknownUidIsNamedByItsNumber() {
        Actor a = CallerIdentity.peer(4242, 4242, 81, proc, accounts);
        assertEquals("4242", a.user());
        assertEquals(List.of("4242"), a.groups());
    }

    @Test
    void editsOfTheGroupFileAreSeen() throws IOException {
        assertEquals(List.of(), accounts.supplementaryGids("carl"));
        Files.writeString(dir.resolve("group"), "carl-group:x:997:carl,dora\n");
        Files.setLastModifiedTime(dir.resolve("group"), java.nio.file.attribute.FileTime.fromMillis(
                System.currentTimeMillis() + 5000));
        assertEquals(List.of(997), accounts.supplementaryGids("carl"));
    }
}
