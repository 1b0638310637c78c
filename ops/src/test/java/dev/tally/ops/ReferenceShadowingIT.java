package dev.tally.ops;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Issue 10, finding 2: a user's name must not capture another user's reference. As alice, naming a
 * container or an image repository like an admin's (carol's) or bob's short id is refused (400) and
 * recorded; the short id then still finds its own object, for its owner and for admins.
 */
class ReferenceShadowingIT {

    @BusyboxDaemon(beforeStart = SharedHostUsers.Made.class)
    private static Daemon daemon;
    private static SharedHostUsers users;

    @BeforeAll
    static void users() throws Exception {
        users = new SharedHostUsers(daemon);
    }

    private static String run(String user, String name) {
        Daemon.Result r = users.docker(user, "run", "-d", "--name", name, "busybox", "sleep", "300");
        assertEquals(0, r.code(), user + " run " + name + ": " + r.err());
        return r.out().strip();
    }

    /** Whether the audit log holds a refusal of alice's: this action, on an object of this name, with this status. */
    private static boolean aliceWasRefused(String action, String name, int status) {
        Daemon.Result log = daemon.tally("audit", "log", "--denied", "--user", "alice", "--format", "json");
        assertEquals(0, log.code(), log.err());
        return log.out().lines().anyMatch(l -> l.contains("\"action\":\"" + action + "\"")
                && l.contains("\"name\":\"" + name + "\"") && l.contains("\"code\":" + status + ","));
    }

    @Test
    void aContainerNamedLikeAnAdminsShortIdIsRefusedAndTheAdminsExecLandsInTheirOwn() {
        String carols = run("carol", "carol-db");
        String shortId = carols.substring(0, 12);

        Daemon.Result named = users.docker("alice", "run", "-d", "--name", shortId, "busybox", "sleep", "300");
        assertEquals(125, named.code(), named.out());
        assertTrue(named.err().contains("Invalid container name (" + shortId + ")"), named.err());
        Daemon.Result full = users.docker("alice", "create", "--name", "/" + carols, "busybox", "true");
        assertTrue(full.err().contains("Invalid container name (" + carols + ")"), full.err());
        assertTrue(aliceWasRefused("container.create", shortId, 400));
        assertTrue(aliceWasRefused("container.create", carols, 400));

        Daemon.Result inspect = users.docker("carol", "inspect", "-f", "{{.Id}}", shortId);
        assertEquals(carols, inspect.out().strip(), inspect.err());
        Daemon.Result exec = users.docker("carol", "exec", shortId, "echo", "in carol's");
        assertEquals("in carol's\n", exec.out(), exec.err());
        Daemon.Result others = users.docker("alice", "run", "--rm", "--name", "alice-" + shortId, "busybox", "echo", "ok");
        assertEquals("ok\n", others.out(), "a name that only contains hex is still a name: " + others.err());
        assertEquals(0, users.docker("carol", "rm", "-f", "carol-db").code());
    }

    @Test
    void someoneElsesContainerNamedLikeMyIdDoesNotHideMine() {
        String bobs = run("bob", "bob-box");
        String prefix = bobs.substring(0, 12);
        Daemon.Result named = users.docker("alice", "create", "--name", prefix, "busybox", "true");
        assertTrue(named.code() != 0 && named.err().contains("Invalid container name (" + prefix + ")"), named.err());
        Daemon.Result inspect = users.docker("bob", "inspect", "-f", "{{.Id}}", prefix);
        assertEquals(bobs, inspect.out().strip(), inspect.err());
        assertEquals(0, users.docker("bob", "rm", "-f", "bob-box").code());
    }

    @Test
    void anImageRepositoryNamedLikeAnImagesShortIdIsRefusedAndTheAdminRunsTheImage() {
        String shortId = busyboxId().substring(0, 12);
        Path tar = daemon.root.resolve("busybox.tar");

        for (String repo : new String[] {shortId, shortId + ":latest", "docker.io/library/" + shortId}) {
            Daemon.Result imported = users.docker("alice", "import", tar.toString(), repo);
            assertTrue(imported.code() != 0, repo + ": " + imported.out());
            assertTrue(imported.err().contains("invalid repository name (" + shortId + ")"), imported.err());
        }
        assertTrue(aliceWasRefused("image.import", shortId + ":latest", 400));

        Daemon.Result run = users.docker("carol", "run", "--rm", shortId, "echo", "carol's busybox");
        assertEquals("carol's busybox\n", run.out(), run.err());
        Daemon.Result own = users.docker("alice", "import", tar.toString(), "alice/" + shortId + ":1");
        assertEquals(0, own.code(), "under a path it is no id: " + own.err());
    }

    /** busybox's image id without "sha256:" (other tests here import images of their own). */
    private static String busyboxId() {
        Daemon.Result r = users.docker("carol", "image", "inspect", "-f", "{{.Id}}", "busybox");
        String id = r.out().strip().replace("sha256:", "");
        assertTrue(id.matches("[0-9a-f]{64}"), r.out() + r.err());
        return id;
    }

    /** Under 12 digits a repository may be named in hex; one that another image's id begins with names neither. */
    @Test
    void aShortHexRepositoryThatAnotherImagesIdBeginsWithNamesNeither() throws Exception {
        String busybox = busyboxId().substring(0, 12);
        String six = busybox.substring(0, 6);
        Path dir = daemon.root.resolve("alices-rootfs");
        java.nio.file.Files.createDirectories(dir);
        java.nio.file.Files.writeString(dir.resolve("alice.txt"), "alice's own image\n");
        Path tar = daemon.root.resolve("alices.tar");
        Process p = new ProcessBuilder("tar", "-C", dir.toString(), "-cf", tar.toString(), ".").inheritIO().start();
        assertEquals(0, p.waitFor());
        Daemon.Result imported = users.docker("alice", "import", tar.toString(), six);
        assertEquals(0, imported.code(), "six hex digits are a repository anyone may name: " + imported.err());

        Daemon.Result admins = users.docker("carol", "image", "inspect", "-f", "{{.Id}}", six);
        assertTrue(admins.code() != 0 && admins.err().contains("No such"),
                "alice's repository must not capture the prefix of busybox's id: " + admins.out() + admins.err());
        Daemon.Result tagged = users.docker("carol", "image", "inspect", "-f", "{{.Id}}", six + ":latest");
        assertEquals(0, tagged.code(), "with its tag it is only a name: " + tagged.err());
        assertTrue(!tagged.out().contains(busybox), tagged.out());
        assertEquals(0, users.docker("carol", "image", "inspect", busybox).code(), "the 12 digits still find busybox");
    }
}
