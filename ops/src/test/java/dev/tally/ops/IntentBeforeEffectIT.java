package dev.tally.ops;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tally.domain.image.ImageStore;
import dev.tally.runtime.image.LayeredImageStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Issue 11, finding 4: every host change follows a stored intent or is followed by an event that
 * says what the daemon did and why. A real tallyd killed (kill -9) with the host left as a crash
 * between an intent and its effect leaves it; after the restart the log says what happened.
 */
class IntentBeforeEffectIT {

    /** Its monitor killed first, then its process, while tallyd was down: no exit code is left anywhere. */
    @Test
    void anExitNoCodeWasLeftForIsRecordedAsUnknownWithWhyAndBothClientsShowIt(@BusyboxDaemon Daemon daemon)
            throws Exception {
        Daemon.Result run = daemon.docker("run", "-d", "--name", "lost", "busybox", "sleep", "300");
        assertEquals(0, run.code(), run.err() + daemon.log());
        String id = run.out().strip();
        long pid = Long.parseLong(daemon.docker("inspect", "--format", "{{.State.Pid}}", "lost").out().strip());
        long conmon = Long.parseLong(Files.readString(daemon.root.resolve("data/containers/" + id + "/conmon.pid")).strip());

        daemon.crash();
        assertEquals(0, Daemon.exec(List.of("kill", "-KILL", Long.toString(conmon)), Map.of()).code());
        await().atMost(Duration.ofSeconds(10)).until(() -> !Files.exists(Path.of("/proc/" + conmon)));
        assertEquals(0, Daemon.exec(List.of("kill", "-KILL", Long.toString(pid)), Map.of()).code());
        await().atMost(Duration.ofSeconds(10)).until(() -> !Files.exists(Path.of("/proc/" + pid)));
        assertFalse(Files.exists(daemon.root.resolve("data/exits/" + id)), "no exit file: its monitor was gone");

        daemon.start();
        Daemon.Result inspect = daemon.docker("inspect", "--format", "{{.State.Status}} {{.State.ExitCode}} {{.State.Error}}",
                "lost");
        assertEquals(0, inspect.code(), inspect.err());
        assertTrue(inspect.out().startsWith("exited -1 exit code unknown: the daemon was down when the container stopped"),
                inspect.out() + daemon.log());
        Daemon.Result ps = daemon.docker("ps", "-a", "--filter", "name=lost", "--format", "{{.Status}}");
        assertTrue(ps.out().startsWith("Exited (unknown)"), ps.out());
        Daemon.Result tallyPs = daemon.tally("ps", "-a", "--format", "{{.Names}} {{.Status}}");
        assertTrue(tallyPs.out().contains("lost Exited (unknown)"), tallyPs.out());
        Daemon.Result events = daemon.docker("events", "--since", "0", "--until", "0s", "--filter", "container=lost",
                "--format", "{{.Action}} {{index .Actor.Attributes \"exitCode\"}}");
        assertTrue(events.out().contains("die -1"), events.out());
        assertTrue(daemon.docker("start", "lost").code() == 0, "it can be started again");
        assertEquals(0, daemon.docker("rm", "-f", "lost").code());
    }

    /** The create was recorded, its bundle never finished (config.json is written last), no client answered. */
    @Test
    void aCreateCutShortByACrashIsRecordedAsFailedAndItsNameIsFree(@BusyboxDaemon Daemon daemon) throws Exception {
        Daemon.Result create = daemon.docker("create", "--name", "cut", "busybox", "true");
        assertEquals(0, create.code(), create.err() + daemon.log());
        String id = create.out().strip();

        daemon.crash();
        Files.delete(daemon.root.resolve("data/containers/" + id + "/config.json"));

        daemon.start();
        assertFalse(daemon.docker("ps", "-a", "--format", "{{.Names}}").out().contains("cut"));
        assertFalse(Files.exists(daemon.root.resolve("data/containers/" + id)), "what was made is removed");
        Daemon.Result log = daemon.tally("audit", "log", "--container", id, "--format", "json");
        assertTrue(log.out().contains("\"action\":\"container.create\",\"outcome\":\"failure\""), log.out());
        assertTrue(log.out().contains("the daemon stopped while preparing the container's bundle"), log.out());
        Daemon.Result again = daemon.docker("run", "--rm", "--name", "cut", "busybox", "true");
        assertEquals(0, again.code(), "the name is free again: " + again.err());
    }

    /** Left on the host by a create never recorded (before the order was turned) or a removal not finished. */
    @Test
    void whatTheHostHoldsAndNoContainerOfTheLogDoesIsRemovedAndTheRemovalRecordedForAdmins(@BusyboxDaemon Daemon daemon)
            throws Exception {
        daemon.crash();
        String stray = HexFormat.of().formatHex(new byte[32]).replace('0', 'e');
        Path dir = Files.createDirectories(daemon.root.resolve("data/containers/" + stray + "/rootfs"));
        Files.writeString(dir.resolveSibling("image"), "sha256:none");

        daemon.start();
        assertFalse(Files.exists(dir.getParent()), "removed at start");
        Daemon.Result log = daemon.tally("audit", "log", "--action", "host.remove", "--format", "json");
        assertEquals(0, log.code(), log.err());
        assertTrue(log.out().contains("\"username\":\"tallyd\"") && log.out().contains(stray)
                && log.out().contains("in no container of the log"), log.out());
        Daemon.Result events = daemon.docker("events", "--since", "0", "--until", "0s");
        assertFalse(events.out().contains(stray), "no Docker event: nothing a client made");
    }

    /**
     * tallyd stopped at start-up between recording a leftover's removal and removing it (halted there,
     * as a kill -9 would): the next start recorded the removal a second time. Now it finishes the
     * removal, and the log holds one record of it.
     */
    @Test
    void aLeftoverRemovalCutShortAfterItsRecordIsFinishedAtTheNextStartAndRecordedOnce(@BusyboxDaemon Daemon daemon)
            throws Exception {
        daemon.stop();
        String stray = HexFormat.of().formatHex(new byte[32]).replace('0', 'c');
        Path dir = Files.createDirectories(daemon.root.resolve("data/containers/" + stray + "/rootfs"));
        Files.writeString(dir.resolveSibling("image"), "sha256:none");

        daemon.haltingAt("remove").launch();
        await().atMost(Duration.ofSeconds(60)).until(daemon::ended);
        assertTrue(daemon.log().contains("halted at remove"), daemon.log());
        assertTrue(Files.exists(dir), "the removal was cut short");

        daemon.haltingAt(null).start();
        assertFalse(Files.exists(dir.getParent()), "removed at the next start");
        Daemon.Result log = daemon.tally("audit", "log", "--action", "host.remove", "--format", "json");
        assertEquals(0, log.code(), log.err());
        assertEquals(1, log.out().lines().filter(l -> l.contains(stray)).count(), "one record of one removal: " + log.out());
        try (var marks = Files.list(daemon.root.resolve("data/leftovers/container"))) {
            assertEquals(List.of(), marks.toList(), "no mark is left");
        }
    }

    /** An exec running when tallyd died stayed started forever in the log; now its end is recorded as unknown. */
    @Test
    void anExecRunningWhenTheDaemonDiedIsRecordedAsEndedWithAnUnknownCode(@BusyboxDaemon Daemon daemon)
            throws Exception {
        assertEquals(0, daemon.docker("run", "-d", "--name", "busy", "busybox", "sleep", "300").code(), daemon.log());
        Daemon.Result exec = daemon.docker("exec", "-d", "busy", "sleep", "300");
        assertEquals(0, exec.code(), exec.err() + daemon.log());
        Daemon.Result finished = daemon.docker("exec", "busy", "true");
        assertEquals(0, finished.code(), finished.err() + daemon.log());
        await().atMost(Duration.ofSeconds(60)).until(() -> daemon.docker("events", "--since", "0", "--until", "0s",
                "--filter", "container=busy", "--filter", "event=exec_start").out().contains("exec_start"));

        daemon.crash();
        daemon.start();
        Daemon.Result events = daemon.docker("events", "--since", "0", "--until", "0s", "--filter", "container=busy",
                "--filter", "event=exec_die", "--format",
                "{{.Action}} {{index .Actor.Attributes \"exitCode\"}} {{index .Actor.Attributes \"error\"}}");
        assertEquals(List.of("exec_die -1 the daemon stopped while the exec ran, and its exit code was not "
                + "kept (an exec is not followed across a restart)", "exec_die 0"), events.out().lines().map(String::strip).sorted().toList(),
                events.err() + daemon.log());
        Daemon.Result log = daemon.tally("audit", "log", "--container", "busy", "--format", "json");
        assertTrue(log.out().contains("\"action\":\"container.exec_exit\"") && log.out().contains("\"username\":\"tallyd\"")
                && log.out().contains("\"exitCode\":\"unknown\""), log.out());
        Daemon.Result ps = daemon.docker("ps", "--filter", "name=busy", "--format", "{{.Status}}");
        assertTrue(ps.out().startsWith("Up"), "the container itself still runs: " + ps.out());

        // exec inspect answers from the log after the restart, as before it (issue 11: it was 404)
        String execs = daemon.docker("events", "--since", "0", "--until", "0s", "--filter", "container=busy",
                "--filter", "event=exec_start", "--format", "{{index .Actor.Attributes \"execID\"}} {{.Action}}").out();
        String cut = execs.lines().findFirst().orElseThrow().split(" ")[0];
        String done = execs.lines().skip(1).findFirst().orElseThrow().split(" ")[0];
        Daemon.Result inspected = execInspect(daemon, cut);
        assertTrue(inspected.out().endsWith("\n200"), inspected.out() + daemon.log());
        assertTrue(inspected.out().contains("\"Running\":false") && inspected.out().contains("\"ExitCode\":-1")
                && inspected.out().contains("\"Error\":\"exit code unknown: the daemon stopped while the exec ran")
                && inspected.out().contains("\"entrypoint\":\"sleep\""), inspected.out());
        Daemon.Result ended = execInspect(daemon, done);
        assertTrue(ended.out().contains("\"Running\":false") && ended.out().contains("\"ExitCode\":0")
                && !ended.out().contains("\"Error\""), ended.out());
        assertEquals(0, daemon.docker("rm", "-f", "busy").code());
        assertTrue(execInspect(daemon, cut).out().endsWith("\n404"), "gone with its container, as in dockerd");
    }

    private static Daemon.Result execInspect(Daemon daemon, String execId) {
        return Daemon.exec(List.of("curl", "-s", "-w", "\n%{http_code}", "--unix-socket", daemon.socket.toString(),
                "http://localhost/v1.43/exec/" + execId + "/json"), Map.of());
    }

    /**
     * Issue 11: a crash between runc pause and its record left a frozen container that the log called
     * running, and unpause answered 409. Frozen with runc behind tallyd's back while it was down (what
     * that crash leaves), it is recorded paused at start, by tallyd, with why, and unpause thaws it.
     */
    @Test
    void aContainerFrozenWhileTheDaemonWasDownIsRecordedPausedAtStartAndUnpauses(@BusyboxDaemon Daemon daemon)
            throws Exception {
        Daemon.Result run = daemon.docker("run", "-d", "--name", "frozen", "busybox", "sleep", "300");
        assertEquals(0, run.code(), run.err() + daemon.log());
        String id = run.out().strip();
        List<String> runc = List.of("runc", "--root", daemon.root.resolve("run/runc").toString());
        daemon.crash();
        Daemon.Result paused = Daemon.exec(concat(runc, "pause", id), Map.of());
        assertEquals(0, paused.code(), paused.err());

        daemon.start();
        assertEquals("paused true", daemon.docker("inspect", "--format", "{{.State.Status}} {{.State.Paused}}", "frozen")
                .out().strip(), daemon.log());
        Daemon.Result events = daemon.docker("events", "--since", "0", "--until", "0s", "--filter", "container=frozen",
                "--filter", "event=pause", "--format", "{{.Action}} {{index .Actor.Attributes \"tally.user\"}}");
        assertEquals("pause tallyd", events.out().strip(), events.err());
        Daemon.Result log = daemon.tally("audit", "log", "--container", "frozen", "--format", "json");
        assertTrue(log.out().contains("\"action\":\"container.pause\"")
                && log.out().contains("found frozen at start-up while the log had it running"), log.out());
        Daemon.Result unpause = daemon.docker("unpause", "frozen");
        assertEquals(0, unpause.code(), unpause.err());
        assertTrue(Daemon.exec(concat(runc, "state", id), Map.of()).out().contains("\"running\""));
        assertTrue(daemon.docker("ps", "--filter", "name=frozen", "--format", "{{.Status}}").out().startsWith("Up"));

        // and the reverse: paused through tallyd, thawed behind its back while it was down
        assertEquals(0, daemon.docker("pause", "frozen").code());
        daemon.crash();
        assertEquals(0, Daemon.exec(concat(runc, "resume", id), Map.of()).code());
        daemon.start();
        assertEquals("running false", daemon.docker("inspect", "--format", "{{.State.Status}} {{.State.Paused}}", "frozen")
                .out().strip(), daemon.log());
        assertTrue(daemon.tally("audit", "log", "--container", "frozen", "--format", "json").out()
                .contains("found running, not frozen, at start-up while the log had it paused"));
        assertEquals(0, daemon.docker("rm", "-f", "frozen").code());
    }

    private static List<String> concat(List<String> head, String... tail) {
        List<String> all = new java.util.ArrayList<>(head);
        all.addAll(List.of(tail));
        return all;
    }

    /**
     * An import whose content was written but whose event never was (tallyd killed between the two):
     * the image record, its blobs and its layer are image content of no image of the log. At start
     * each is recorded as removed (kind image, blob, layer), for admins, then removed; busybox stays.
     */
    @Test
    void imageContentAnImportCutShortLeftIsRecordedAsRemovedAndRemovedAtStart(@BusyboxDaemon Daemon daemon)
            throws Exception {
        daemon.crash();
        Path data = daemon.root.resolve("data");
        ImageStore.StoredImage cut;
        try (var tar = new java.io.ByteArrayInputStream(oneFileTar("cut-short"))) {
            cut = new LayeredImageStore(data).importRootfs(tar);
        }
        Path record = data.resolve("images/" + cut.id().substring(7) + ".json");
        Path layer = data.resolve("layers/" + cut.layers().get(0).substring(7));
        Path manifest = data.resolve("blobs/sha256/" + cut.manifestDigest().substring(7));
        assertTrue(Files.exists(record) && Files.isDirectory(layer) && Files.exists(manifest));

        daemon.start();
        assertFalse(Files.exists(record), "the record is removed");
        assertFalse(Files.exists(layer), "the layer is removed");
        assertFalse(Files.exists(manifest), "the manifest is removed");
        Daemon.Result log = daemon.tally("audit", "log", "--action", "host.remove", "--format", "json");
        assertEquals(0, log.code(), log.err());
        for (String expected : List.of(cut.id(), cut.layers().get(0), cut.manifestDigest(), "\"kind\":\"layer\"",
                "\"kind\":\"blob\"", "\"kind\":\"image\"", "of no image of the log")) {
            assertTrue(log.out().contains(expected), expected + " in " + log.out());
        }
        Daemon.Result run = daemon.docker("run", "--rm", "busybox", "true");
        assertEquals(0, run.code(), "busybox, an image of the log, is untouched: " + run.err());
    }

    private static byte[] oneFileTar(String text) throws java.io.IOException {
        var bytes = new java.io.ByteArrayOutputStream();
        try (var out = new org.apache.commons.compress.archivers.tar.TarArchiveOutputStream(bytes)) {
            byte[] b = text.getBytes(java.nio.charset.StandardCharsets.UTF_8);
            var e = new org.apache.commons.compress.archivers.tar.TarArchiveEntry("etc/cut");
            e.setSize(b.length);
            out.putArchiveEntry(e);
            out.write(b);
            out.closeArchiveEntry();
        }
        return bytes.toByteArray();
    }
}
