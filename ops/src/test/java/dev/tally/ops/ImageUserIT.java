package dev.tally.ops;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.apache.commons.compress.archivers.tar.TarConstants;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@code --user} against a real tallyd: ids and groups as dockerd gives them from the image's passwd and
 * group files, and those files read from the image as its containers see it (layers merged, a deleted
 * file deleted), never from the host through a link the image holds.
 */
class ImageUserIT {

    @BusyboxDaemon
    private static Daemon daemon;

    @BeforeAll
    static void images() {
        ok(daemon.docker("run", "--name", "accounts", "busybox", "sh", "-c",
                "echo 'app:x:1500:1600::/:/bin/sh' >> /etc/passwd; echo 'appgroup:x:1600:' >> /etc/group;"
                        + " echo 'extra:x:1700:app' >> /etc/group; echo 'more:x:1800:root,app' >> /etc/group"), "run");
        ok(daemon.docker("commit", "accounts", "accounts:1"), "commit");
    }

    private static Daemon.Result ok(Daemon.Result r, String what) {
        assertEquals(0, r.code(), what + ": " + r.out() + r.err());
        return r;
    }

    private static String ids(String user, String image) {
        return ok(daemon.docker("run", "--rm", "-u", user, image, "sh", "-c", "echo $(id -u) $(id -g) $(id -G)"),
                "run as " + user).out().strip();
    }

    @Test
    void aUserTakesTheGidOfItsPasswdEntryAndTheGroupsThatListIt() {
        assertEquals("1500 1600 1600 1700 1800", ids("app", "accounts:1"));
        assertEquals("1500 1600 1600 1700 1800", ids("1500", "accounts:1"), "a uid is not its own gid");
        assertEquals("2000 0 0", ids("2000", "accounts:1"), "a uid with no entry runs with gid 0");
        assertEquals("1500 1700 1700", ids("app:extra", "accounts:1"), "an explicit group, no supplementary ones");
        assertEquals("0 0 0 1800", ids("root", "accounts:1"));
        assertEquals("1500 1600 1600 1700 1800", ok(daemon.docker("run", "--rm", "-u", "app", "--group-add", "1600",
                "accounts:1", "sh", "-c", "echo $(id -u) $(id -g) $(id -G)"), "group-add").out().strip());
        ok(daemon.docker("run", "-d", "--name", "execs", "accounts:1", "sleep", "60"), "run");
        assertEquals("1500 1600 1600 1700 1800", ok(daemon.docker("exec", "-u", "app", "execs", "sh", "-c",
                "echo $(id -u) $(id -g) $(id -G)"), "exec").out().strip());
        ok(daemon.docker("rm", "-f", "execs"), "rm");
    }

    @Test
    void aPasswdFileDeletedInAHigherLayerIsDeleted() {
        ok(daemon.docker("run", "--name", "forgetter", "accounts:1", "rm", "/etc/passwd"), "run");
        ok(daemon.docker("commit", "forgetter", "forgotten:1"), "commit");
        Daemon.Result r = daemon.docker("create", "-u", "app", "forgotten:1", "true");
        assertNotEquals(0, r.code(), r.out());
        assertTrue(r.err().contains("unable to find user app"), r.err());
    }

    /** An image of busybox's binary and one link, {@code etc} leading wherever {@code target} says. */
    private static Path imageWithEtcLink(String name, String target, boolean privateEtc) throws Exception {
        Path tar = daemon.root.resolve(name + ".tar");
        try (OutputStream out = Files.newOutputStream(tar); TarArchiveOutputStream t = new TarArchiveOutputStream(out)) {
            TarArchiveEntry bin = new TarArchiveEntry("bin/", TarConstants.LF_DIR);
            bin.setMode(0755);
            t.putArchiveEntry(bin);
            t.closeArchiveEntry();
            TarArchiveEntry etc = new TarArchiveEntry("etc", TarConstants.LF_SYMLINK);
            etc.setLinkName(target);
            t.putArchiveEntry(etc);
            t.closeArchiveEntry();
            if (privateEtc) {
                byte[] passwd = "root:x:0:0::/:/bin/sh\napp:x:1500:1600::/:/bin/sh\n".getBytes(StandardCharsets.UTF_8);
                TarArchiveEntry f = new TarArchiveEntry("private/etc/passwd");
                f.setSize(passwd.length);
                f.setMode(0644);
                t.putArchiveEntry(f);
                t.write(passwd);
                t.closeArchiveEntry();
            }
        }
        ok(daemon.tally("import", tar.toString(), name), "import " + name);
        return tar;
    }

    @Test
    void anImagesLinkToEtcNeverLeadsToTheHostsPasswd() throws Exception {
        imageWithEtcLink("escape:abs", "/etc", false);
        imageWithEtcLink("escape:rel", "../../../../../../../../etc", false);
        String hostOnly = Files.readAllLines(Path.of("/etc/passwd")).stream().map(l -> l.split(":")[0])
                .filter(u -> !u.equals("root") && !u.equals("nobody") && !u.isEmpty()).findFirst().orElseThrow();
        for (String image : List.of("escape:abs", "escape:rel")) {
            Daemon.Result r = daemon.docker("create", "-u", hostOnly, image, "/bin/sh");
            assertNotEquals(0, r.code(), "the host's user " + hostOnly + " must not be found in " + image + ": " + r.out());
            assertTrue(r.err().contains("unable to find user " + hostOnly), r.err());
        }
    }

    @Test
    void anEtcLinkInsideTheImageIsFollowedInsideIt() throws Exception {
        imageWithEtcLink("linked:1", "private/etc", true);
        String id = ok(daemon.docker("create", "-u", "app", "linked:1", "/bin/sh"), "create").out().strip();
        JsonNode spec = new ObjectMapper().readTree(daemon.root.resolve("data/containers").resolve(id)
                .resolve("config.json").toFile());
        JsonNode user = spec.path("process").path("user");
        assertEquals(List.of(1500, 1600), List.of(user.path("uid").asInt(), user.path("gid").asInt()), user.toString());
    }
}
