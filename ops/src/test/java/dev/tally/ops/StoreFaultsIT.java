package dev.tally.ops;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Issue 11, store faults, against a real tallyd. A data root on a small tmpfs that fills up: each
 * request that would change something is refused promptly with a clear 507 and Docker's
 * {@code {"message": …}} (no internals), reads still answer, nothing is corrupted (the chain verifies;
 * killed, tallyd refuses to start on the full disk with a clear message and starts once space is
 * back), and once space returns everything works again. A read model deleted while tallyd was
 * down is rebuilt from the log at start.
 */
class StoreFaultsIT {

    /**
     * The data root on a tmpfs of its own, small enough to fill in a moment: busybox's import needs
     * 1 GiB free beyond it (docs/security.md, limits).
     */
    static final class SmallDisk implements BusyboxDaemon.BeforeStart {
        @Override
        public void prepare(Daemon unstarted) throws Exception {
            Path data = Files.createDirectories(unstarted.root.resolve("data"));
            Daemon.Result mount = Daemon.exec(List.of("mount", "-t", "tmpfs", "-o", "size=1200m", "tmpfs", data.toString()),
                    Map.of());
            assertEquals(0, mount.code(), mount.err());
        }
    }

    private static Daemon.Result curl(Daemon daemon, String method, String path, String body) {
        List<String> cmd = new ArrayList<>(List.of("curl", "-s", "-m", "60", "-w", "\n%{http_code}", "--unix-socket",
                daemon.socket.toString(), "-X", method));
        if (body != null) {
            cmd.addAll(List.of("-H", "Content-Type: application/json", "-d", body));
        }
        cmd.add("http://localhost" + path);
        Daemon.Result r = Daemon.exec(cmd, Map.of());
        int cut = r.out().lastIndexOf('\n');
        return new Daemon.Result(Integer.parseInt(r.out().substring(cut + 1).strip()), r.out().substring(0, Math.max(cut, 0)),
                r.err());
    }

    /** A 507 that says the disk is full and what to do, in Docker's shape, without the store's internals. */
    private static void refusedForSpace(Daemon.Result reply, String what) {
        assertEquals(507, reply.code(), what + ": " + reply.out());
        assertTrue(reply.out().matches("(?s)\\{\"message\":\".*no space left.*\"}\\s*"), what + ": " + reply.out());
        for (String internal : List.of("Exception", "org.", "h2", "H2", "MVStore", "\\tat ")) {
            assertFalse(reply.out().contains(internal), what + " shows internals: " + reply.out());
        }
    }

    @Test
    void aFullDiskIsAClearRefusalThatCorruptsNothingAndPassesWhenSpaceReturns(
            @BusyboxDaemon(beforeStart = SmallDisk.class) Daemon daemon) throws Exception {
        Path data = daemon.root.resolve("data");
        Path filler = data.resolve("filler");
        try {
            Daemon.Result before = daemon.docker("run", "-d", "--name", "before", "busybox", "sleep", "300");
            assertEquals(0, before.code(), before.err());
            assertEquals(0, daemon.docker("volume", "create", "before-vol").code());

            fill(filler);
            refusedForSpace(curl(daemon, "POST", "/volumes/create", "{\"Name\":\"full-vol\"}"), "volume create");
            refusedForSpace(curl(daemon, "POST", "/containers/create?name=full",
                    "{\"Image\":\"busybox\",\"Cmd\":[\"true\"]}"), "create");
            refusedForSpace(curl(daemon, "POST", "/containers/before/stop?t=1", null), "stop");
            Daemon.Result ps = daemon.docker("ps", "-a", "--format", "{{.Names}} {{.State}}");
            assertEquals("before running", ps.out().strip(), "reads answer, and the refused stop stopped nothing: "
                    + ps.err());
            Daemon.Result verify = daemon.tally("audit", "verify");
            assertEquals(0, verify.code(), verify.out() + verify.err());

            Files.delete(filler);
            Daemon.Result vol = daemon.docker("volume", "create", "full-vol");
            assertEquals(0, vol.code(), "space is back, without a restart: " + vol.err());
            Daemon.Result after = daemon.docker("run", "-d", "--name", "after", "busybox", "sleep", "300");
            assertEquals(0, after.code(), after.err());

            fill(filler);
            daemon.crash();
            // H2 writes as it opens: on a full disk tallyd says so and ends, rather than half start
            Daemon.Result refused = Daemon.tallydRefusing(daemon.root);
            assertEquals(1, refused.code(), refused.out() + refused.err());
            assertTrue((refused.out() + refused.err()).contains("cannot start: no space left on the disk of the event "
                    + "store"), refused.out() + refused.err());
            Files.delete(filler);
            daemon.start();

            assertEquals(0, daemon.docker("stop", "-t", "1", "before").code());
            Daemon.Result all = daemon.docker("ps", "-a", "--format", "{{.Names}} {{.State}}");
            assertEquals(List.of("after running", "before exited"), all.out().lines().sorted().toList(), all.err());
            Daemon.Result volumes = daemon.docker("volume", "ls", "-q");
            assertEquals(List.of("before-vol", "full-vol"), volumes.out().lines().sorted().toList());
            Daemon.Result verified = daemon.tally("audit", "verify");
            assertEquals(0, verified.code(), verified.out() + verified.err());
        } finally {
            Files.deleteIfExists(filler);
            for (String name : List.of("before", "after")) {
                daemon.docker("rm", "-f", name);
            }
            daemon.stop();
            Daemon.exec(List.of("umount", data.toString()), Map.of());
        }
    }

    /** Fills the disk of {@code file} to the last byte. */
    private static void fill(Path file) throws Exception {
        Daemon.exec(List.of("dd", "if=/dev/zero", "of=" + file, "bs=1M"), Map.of());
        assertEquals(0, Files.getFileStore(file).getUsableSpace(), "the disk is full");
    }

    @Test
    void readModelsDeletedWhileTallydWasDownAreRebuiltAtStart(@BusyboxDaemon Daemon daemon) throws Exception {
        assertEquals(0, daemon.docker("run", "-d", "--name", "kept", "busybox", "sleep", "300").code());
        assertEquals(0, daemon.docker("create", "--name", "gone", "busybox", "true").code());
        assertEquals(0, daemon.docker("rm", "gone").code());
        assertEquals(0, daemon.docker("volume", "create", "kept-vol").code());
        List<List<String>> views = List.of(
                List.of("ps", "-a", "--no-trunc", "--format", "{{.ID}} {{.Names}} {{.State}} {{.Image}} {{.Command}}"),
                List.of("volume", "ls"), List.of("images", "--no-trunc", "--format", "{{.ID}} {{.Repository}}:{{.Tag}} {{.Size}}"),
                List.of("inspect", "--format", "{{.Created}} {{.State.StartedAt}} {{.State.Pid}}", "kept"));
        List<String> before = views.stream().map(v -> daemon.docker(v.toArray(String[]::new)).out()).toList();
        String audit = daemon.tally("audit", "log", "--format", "json").out();

        daemon.stop();
        // The premise: an orderly stop closed the store. A store left open (a connection or an upkeep round
        // outliving the close, then cut by the JVM's exit) is recovered by the shell's H2 from its header,
        // and what a later open finds beside it is no test of the rebuild: said here, not as a missing rebuild.
        Path file = daemon.root.resolve("data/events/tally.mv.db");
        try (org.h2.mvstore.MVStore store = new org.h2.mvstore.MVStore.Builder().fileName(file.toString()).readOnly().open()) {
            assertTrue(store.getFileStore().getStoreHeader().containsKey("clean"),
                    "tallyd's orderly stop left its store unclosed: " + daemon.log());
        }
        // H2's shell with a retention that frees nothing while it works and no compaction at its close:
        // nothing of the file as tallyd left it is written over
        String url = "jdbc:h2:file:" + daemon.root.resolve("data/events/tally") + ";RETENTION_TIME=2147483647"
                + ";MAX_COMPACT_TIME=0";
        Daemon.Result tables = h2(url, TABLES);
        List<String> dropped = tables.out().lines().map(String::strip)
                .filter(t -> t.matches("[A-Z_]+") && !t.equals("TABLE_NAME") && !t.equals("DOMAINEVENTENTRY")
                        && !t.equals("SNAPSHOTEVENTENTRY") && !t.equals("TOKENENTRY"))
                .toList();
        assertTrue(dropped.containsAll(List.of("CONTAINER_VIEW", "VOLUME_VIEW", "IMAGE_ENTRY", "IMAGE_REF", "CONTAINER_NAMES")),
                tables.out());
        h2(url, dropped.stream().map(t -> "DROP TABLE " + t + ";").reduce("", String::concat));
        // read back by another process before tallyd starts: a drop the file does not hold is no test of the rebuild
        String left = h2(url, TABLES).out();
        assertTrue(dropped.stream().noneMatch(t -> left.lines().map(String::strip).anyMatch(t::equals)),
                "the dropped tables are gone from the file: " + left);

        daemon.start();
        assertTrue(daemon.log().contains("read models rebuilt from the log"), daemon.log());
        assertEquals(before, views.stream().map(v -> daemon.docker(v.toArray(String[]::new)).out()).toList());
        assertEquals(audit, daemon.tally("audit", "log", "--format", "json").out());
        Daemon.Result taken = daemon.docker("create", "--name", "kept", "busybox", "true");
        assertEquals(1, taken.code(), "the names table is rebuilt too: " + taken.out());
        assertEquals(0, daemon.docker("create", "--name", "gone", "busybox", "true").code(), "a removed name is free");
        assertEquals(0, daemon.tally("audit", "verify").code());
    }

    private static final String TABLES = "SELECT TABLE_NAME FROM INFORMATION_SCHEMA.TABLES WHERE TABLE_SCHEMA = 'PUBLIC'";

    /** SQL on the stopped daemon's store, through H2's own shell; a statement H2 refuses fails the test. */
    private static Daemon.Result h2(String url, String sql) {
        Daemon.Result r = Daemon.exec(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-cp",
                System.getProperty("java.class.path"), "org.h2.tools.Shell", "-url", url, "-user", "sa", "-sql", sql),
                Map.of());
        assertEquals(0, r.code(), sql + ": " + r.out() + r.err());
        // the shell prints a refused statement's error and goes on, exiting 0
        assertFalse(r.out().contains("Error: "), sql + ": " + r.out() + r.err());
        return r;
    }
}
