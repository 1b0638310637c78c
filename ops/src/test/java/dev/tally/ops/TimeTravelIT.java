package dev.tally.ops;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The audit log and the host as of a past time, through the real CLI and a real daemon. */
class TimeTravelIT {

    @BusyboxDaemon
    private static Daemon daemon;

    @Test
    void psAtATimeShowsAContainerRemovedSinceAsItWasThen() {
        Daemon.Result run = daemon.tally("run", "-d", "--name", "gone", "busybox", "sleep", "60");
        assertEquals(0, run.code(), run.err());
        String id = run.out().strip();
        Instant then = Instant.now();
        assertEquals(0, daemon.tally("rm", "-f", "gone").code());

        Daemon.Result now = daemon.tally("ps", "-a", "--no-trunc");
        assertFalse(now.out().contains(id), now.out());
        Daemon.Result past = daemon.tally("ps", "-a", "--no-trunc", "--at", then.toString());
        assertEquals(0, past.code(), past.err());
        assertTrue(past.out().contains(id) && past.out().contains("Up "), past.out());

        Daemon.Result inspected = daemon.tally("inspect", "--at", then.toString(), "gone");
        assertEquals(0, inspected.code(), inspected.err());
        assertTrue(inspected.out().contains("\"Id\": \"" + id + "\"") && inspected.out().contains("\"Running\": true"),
                inspected.out());
        assertEquals(1, daemon.tally("inspect", "gone").code(), "gone now");

        Daemon.Result beforeItExisted = daemon.tally("ps", "-a", "--no-trunc", "--at",
                then.minusSeconds(3600).toString());
        assertFalse(beforeItExisted.out().contains(id), beforeItExisted.out());
        Daemon.Result images = daemon.tally("images", "--at", then.toString());
        assertTrue(images.out().contains("busybox"), images.out());
    }

    @Test
    void auditLogTiesAnExecToWhoOpenedItAndExportResumesFromASequenceNumber() {
        assertEquals(0, daemon.tally("run", "-d", "--name", "audited", "busybox", "sleep", "60").code());
        assertEquals(0, daemon.tally("exec", "audited", "sh", "-c", "echo inside").code());
        assertEquals(0, daemon.tally("rm", "-f", "audited").code());

        Daemon.Result json = daemon.tally("audit", "log", "--container", "audited", "--action", "exec",
                "--format", "json");
        assertEquals(0, json.code(), json.err());
        List<String> lines = json.out().lines().toList();
        assertEquals(1, lines.size(), json.out());
        String exec = lines.get(0);
        for (String field : List.of("\"action\":\"container.exec\"", "\"argv\":[\"sh\",\"-c\",\"echo inside\"]",
                "\"tty\":\"false\"", "\"username\":\"root\"", "\"uid\":\"0\"", "\"name\":\"audited\"",
                "\"userAgent\":\"tally-cli\"", "\"source\":\"unix:pid=", "\"requestReceivedTimestamp\"")) {
            assertTrue(exec.contains(field), field + " in " + exec);
        }

        Daemon.Result request = daemon.tally("audit", "log", "--container", "audited", "--action", "container.create",
                "--level", "Request", "--format", "json");
        assertEquals(0, request.code(), request.err());
        assertTrue(request.out().contains("\"level\":\"Request\"") && request.out().contains("\"requestObject\":{")
                && request.out().contains("\"cmd\":[\"sleep\",\"60\"]"), request.out());
        assertEquals(1, daemon.tally("audit", "log", "--level", "RequestResponse").code());

        Daemon.Result table = daemon.tally("audit", "log", "--container", "audited");
        List<String> rows = table.out().lines().toList();
        assertTrue(rows.get(0).matches("TIME +SEQ +USER +VERB +OBJECT +OUTCOME"), rows.get(0));
        List<String> verbs = rows.stream().skip(1).map(r -> r.split(" +")[4]).toList();
        assertEquals(List.of("container.create", "container.start", "container.start", "container.exec",
                "container.exec_exit", "container.kill", "container.exit", "container.remove"), verbs, table.out());

        Daemon.Result byRoot = daemon.tally("audit", "log", "--user", "root", "--container", "audited");
        List<String> rootVerbs = byRoot.out().lines().skip(1).map(r -> r.split(" +")[4]).toList();
        assertEquals(List.of("container.create", "container.start", "container.start", "container.exec",
                "container.kill", "container.remove"), rootVerbs, "the daemon's own records are tallyd's: " + byRoot.out());

        Daemon.Result all = daemon.tally("audit", "export");
        List<String> exported = all.out().lines().toList();
        assertTrue(exported.size() >= 8, all.out());
        String middle = exported.get(exported.size() / 2);
        long seq = Long.parseLong(middle.replaceAll(".*\"seq\":([0-9]+),.*", "$1"));
        Daemon.Result resumed = daemon.tally("audit", "export", "--from", Long.toString(seq));
        assertEquals(exported.subList(exported.size() / 2, exported.size()), resumed.out().lines().toList());
        long[] seqs = exported.stream().mapToLong(l -> Long.parseLong(l.replaceAll(".*\"seq\":([0-9]+),.*", "$1")))
                .toArray();
        assertTrue(Arrays.equals(seqs, Arrays.stream(seqs).sorted().distinct().toArray()), "in sequence order");

        Daemon.Result bad = daemon.tally("audit", "log", "--since", "yesterday-ish");
        assertEquals(1, bad.code());
        assertTrue(bad.err().startsWith("tally: audit log: "), bad.err());
    }
}
