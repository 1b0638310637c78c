package dev.tally.ops;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Issue 13, "what a shared, audited host needs on top", against a real tallyd with real users: alice
 * and bob (group tally) and carol (tally-admin) drive the stock docker CLI and the tally CLI. A
 * reference belongs to whoever pointed it; an image a user brought is theirs alone unless an admin
 * brought it; tag, rmi, images NAME and history answer as Docker's do.
 */
class ImageReferencesIT {

    @BusyboxDaemon(beforeStart = SharedHostUsers.Made.class)
    private static Daemon daemon;
    private static SharedHostUsers users;

    @BeforeAll
    static void users() throws Exception {
        users = new SharedHostUsers(daemon);
    }

    /** A busybox root filesystem with /alice.txt saying {@code name}: content of its own, an image of its own. */
    private static String tarOf(String name) {
        try {
            Path dir = Files.createDirectories(daemon.root.resolve("rootfs-" + name));
            ok(Daemon.exec(List.of("tar", "-xf", daemon.root.resolve("busybox.tar").toString(), "-C", dir.toString()),
                    Map.of()), "unpack busybox");
            Files.writeString(dir.resolve("alice.txt"), "alice's own image: " + name + "\n");
            Path tar = daemon.root.resolve(name + ".tar");
            ok(Daemon.exec(List.of("tar", "-C", dir.toString(), "-cf", tar.toString(), "."), Map.of()), "tar");
            Daemon.exec(List.of("chmod", "0644", tar.toString()), Map.of());
            return tar.toString();
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static Daemon.Result ok(Daemon.Result r, String what) {
        assertEquals(0, r.code(), what + ": " + r.out() + r.err());
        return r;
    }

    private static String id(String user, String ref) {
        return ok(users.docker(user, "image", "inspect", "-f", "{{.Id}}", ref), user + " inspect " + ref).out().strip();
    }

    /** Whether the audit log holds a refusal of this user's: this action, on this image reference, with this status. */
    private static boolean refused(String user, String action, String name, int status) {
        Daemon.Result log = daemon.tally("audit", "log", "--denied", "--user", user, "--format", "json");
        assertEquals(0, log.code(), log.err());
        return log.out().lines().anyMatch(l -> l.contains("\"action\":\"" + action + "\"")
                && l.contains("\"name\":\"" + name + "\"") && l.contains("\"code\":" + status + ","));
    }

    @Test
    void aUserNeverRetargetsAnAdminsReferenceAndTheAttemptIsOnTheRecord() {
        ok(users.docker("alice", "import", tarOf("retarget"), "alice/retarget:1"), "alice imports");
        String busybox = id("carol", "busybox");
        Daemon.Result tag = users.docker("alice", "tag", "alice/retarget:1", "busybox:latest");
        assertNotEquals(0, tag.code());
        assertTrue(tag.err().contains("authorization denied: busybox:latest was pointed at its image by another user"),
                tag.err());
        assertTrue(refused("alice", "image.tag", "busybox:latest", 403));
        Daemon.Result tallyTag = users.tally("alice", "tag", "alice/retarget:1", "docker.io/library/busybox");
        assertNotEquals(0, tallyTag.code());
        assertEquals(busybox, id("carol", "busybox"), "busybox is still busybox for the admin");
        Daemon.Result run = users.docker("carol", "run", "--rm", "busybox", "cat", "/alice.txt");
        assertNotEquals(0, run.code(), "the admin does not run alice's file as root: " + run.out());
    }

    @Test
    void theUserWhoPointedAReferenceMovesItAndSoDoAdminsAndThenItIsTheirs() {
        ok(users.docker("alice", "tag", "busybox", "alice/moving:1"), "alice tags busybox");
        ok(users.docker("alice", "import", tarOf("moving"), "alice/moving:2"), "alice imports");
        String alices = id("alice", "alice/moving:2");
        ok(users.docker("alice", "tag", "alice/moving:2", "alice/moving:1"), "alice moves her own");
        assertEquals(alices, id("alice", "alice/moving:1"));
        ok(users.tally("carol", "tag", "busybox", "alice/moving:1"), "an admin moves it back");
        assertEquals(id("carol", "busybox"), id("alice", "alice/moving:1"));
        Daemon.Result again = users.docker("alice", "tag", "alice/moving:2", "alice/moving:1");
        assertNotEquals(0, again.code(), "carol pointed it last: " + again.err());
        Daemon.Result moves = daemon.tally("audit", "log", "--user", "carol", "--format", "json");
        assertTrue(moves.out().lines().anyMatch(l -> l.contains("\"action\":\"image.tag\"")
                && l.contains("alice/moving:1") && l.contains(alices)), "the move names the image it left: " + moves.out());
    }

    @Test
    void anImageAUserBroughtIsAbsentForOtherUsersAndTheAdminSeesIt() {
        String tar = tarOf("private");
        ok(users.docker("alice", "import", tar, "alice/private:1"), "alice imports");
        String alices = id("alice", "alice/private:1");
        Daemon.Result inspect = users.docker("bob", "image", "inspect", "alice/private:1");
        Daemon.Result missing = users.docker("bob", "image", "inspect", "alice/none:1");
        assertEquals(missing.code(), inspect.code());
        assertEquals(missing.err().replace("alice/none:1", "alice/private:1"), inspect.err());
        assertNotEquals(0, users.docker("bob", "image", "inspect", alices.substring(7, 19)).code(), "nor by its id");
        assertEquals("", users.docker("bob", "images", "-q", "alice/private").out());
        assertFalse(users.docker("bob", "images").out().contains("alice/private"));
        assertNotEquals(0, users.docker("bob", "history", "alice/private:1").code());
        Daemon.Result run = users.docker("bob", "run", "--rm", "alice/private:1", "cat", "/alice.txt");
        assertNotEquals(0, run.code());
        assertFalse(run.out().contains("alice's own image"), run.out());
        assertNotEquals(0, users.docker("bob", "tag", "alice/private:1", "bob/copy").code());
        assertTrue(refused("bob", "image.inspect", "alice/private:1", 404));

        assertEquals(alices.substring(7, 19), users.docker("carol", "images", "-q", "alice/private").out().strip());
        Daemon.Result alicesRun = users.docker("alice", "run", "--rm", "alice/private:1", "cat", "/alice.txt");
        assertEquals("alice's own image: private\n", alicesRun.out(), alicesRun.err());
        Daemon.Result bobsOwn = users.docker("bob", "import", tar, "bob/same:1");
        ok(bobsOwn, "bob imports the same content: he holds it too");
        assertEquals(alices, id("bob", "bob/same:1"));
    }

    @Test
    void imagesWithANameListOnlyThatRepository() {
        ok(users.docker("alice", "import", tarOf("listed"), "alice/listed:1"), "alice imports");
        String busybox = id("alice", "busybox").substring(7, 19);
        assertEquals(busybox + "\n", users.docker("alice", "images", "-q", "busybox").out());
        Daemon.Result tally = users.tally("alice", "images", "-q", "busybox");
        assertEquals(busybox + "\n", tally.out(), tally.err());
        Daemon.Result table = users.docker("alice", "images", "alice/listed");
        assertEquals(2, table.out().lines().count(), table.out());
        assertTrue(table.out().lines().skip(1).allMatch(l -> l.startsWith("alice/listed ")), table.out());
        Daemon.Result filtered = users.docker("alice", "images", "--filter", "reference=alice/*", "--format", "{{.Repository}}");
        assertTrue(filtered.out().lines().allMatch(l -> l.startsWith("alice/")), filtered.out());
        assertTrue(filtered.out().contains("alice/listed"), filtered.out());
        assertEquals("", users.docker("alice", "images", "-q", "--filter", "dangling=true", "busybox").out());
    }

    @Test
    void rmiUntagsThenRemovesAndAnImageAContainerUsesIsAConflictUnlessForced() {
        ok(users.docker("alice", "import", tarOf("gone"), "alice/gone:1"), "alice imports");
        String gone = id("alice", "alice/gone:1");
        ok(users.docker("alice", "tag", "alice/gone:1", "alice/gone:2"), "second name");
        Daemon.Result first = ok(users.docker("alice", "rmi", "alice/gone:2"), "rmi one of two names");
        assertEquals("Untagged: alice/gone:2\n", first.out());
        String container = ok(users.docker("alice", "create", "alice/gone:1", "true"), "create").out().strip();
        Daemon.Result used = users.docker("alice", "rmi", "alice/gone:1");
        assertNotEquals(0, used.code());
        assertTrue(used.err().contains("must force") && used.err().contains(container.substring(0, 12)), used.err());
        ok(users.docker("alice", "rm", container), "rm the container");
        Daemon.Result removed = ok(users.tally("alice", "rmi", "alice/gone:1"), "tally rmi");
        assertEquals("Untagged: alice/gone:1\nDeleted: " + gone + "\n", removed.out());
        assertEquals("", users.docker("alice", "images", "-q", "alice/gone").out());
        Daemon.Result again = users.docker("alice", "rmi", "alice/gone:1");
        assertTrue(again.err().contains("No such image"), again.err());

        Daemon.Result busybox = users.docker("bob", "rmi", "busybox");
        assertNotEquals(0, busybox.code());
        assertTrue(busybox.err().contains("authorization denied"), busybox.err());
        assertTrue(refused("bob", "image.remove", "busybox:latest", 403));
    }

    @Test
    void historyShowsTheImageAndItsLayers() {
        String busybox = id("alice", "busybox");
        Daemon.Result docker = ok(users.docker("alice", "history", "busybox"), "docker history");
        assertTrue(docker.out().lines().findFirst().orElse("").startsWith("IMAGE"), docker.out());
        assertTrue(docker.out().contains(busybox.substring(7, 19)), docker.out());
        Daemon.Result tally = ok(users.tally("alice", "history", "-q", "busybox"), "tally history");
        assertEquals(busybox.substring(7, 19), tally.out().lines().findFirst().orElse(""));
        Daemon.Result inspect = ok(users.tally("alice", "image", "inspect", "busybox"), "tally image inspect");
        assertTrue(inspect.out().contains(busybox), inspect.out());
    }

    @Test
    void pruneRemovesOnlyTheCallersUnusedImages() {
        ok(users.docker("alice", "import", tarOf("pruned"), "alice/pruned:1"), "alice imports");
        String alices = id("alice", "alice/pruned:1");
        Daemon.Result bobs = ok(users.docker("bob", "image", "prune", "-a", "-f"), "bob prunes");
        assertFalse(bobs.out().contains(alices), bobs.out());
        assertEquals(alices, id("carol", "alice/pruned:1"));
        assertEquals(id("carol", "busybox"), id("bob", "busybox"), "an admin's image is not bob's to prune");
    }
}
