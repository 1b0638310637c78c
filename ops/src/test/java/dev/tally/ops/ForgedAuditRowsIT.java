package dev.tally.ops;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.jr.ob.JSON;
import java.io.IOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Issue 10, finding 3: a non-admin (alice, through the socket with curl) tries to forge rows in the
 * record with newlines and terminal escapes in what she sends. A name that is not a valid name is a
 * 400 that is recorded nowhere; text that is recorded (a refused reference) prints as one escaped
 * line in every human output and exactly in JSON.
 */
class ForgedAuditRowsIT {

    private static final String FAKE_ROW = "2026-12-04 21:00:00   1   root   container.create   container/evil   allowed";
    private static final String NEWLINE_NAME = "x\n" + FAKE_ROW;
    private static final String ESCAPE_NAME = "x\u001b[2J\u001b[H\u001b]0;owned\u0007\u009b31m";

    @BusyboxDaemon(beforeStart = Users.class)
    private static Daemon daemon;

    static final class Users implements BusyboxDaemon.BeforeStart {
        @Override
        public void prepare(Daemon unstarted) {
            HostUsers.group("tally");
            HostUsers.user("alice", "tally");
            HostUsers.user("bob", "tally");
            // the socket lies below the daemon's temp dir, which the users must be able to traverse
            Daemon.exec(List.of("chmod", "0755", unstarted.root.toString()), Map.of());
        }
    }

    /** alice's request through curl: the body and status code, on two lines. */
    private static Daemon.Result curlAsAlice(String method, String path, String body) {
        List<String> cmd = new ArrayList<>(List.of("curl", "-s", "-w", "\n%{http_code}", "-X", method,
                "--unix-socket", daemon.socket.toString(), "-H", "Content-Type: application/json"));
        if (body != null) {
            cmd.addAll(List.of("-d", body));
        }
        cmd.add("http://d" + path);
        return HostUsers.as("alice", Map.of(), cmd);
    }

    private static String encoded(String text) {
        return URLEncoder.encode(text, StandardCharsets.UTF_8).replace("+", "%20");
    }

    private static String status(Daemon.Result curl) {
        List<String> lines = curl.out().lines().toList();
        return lines.get(lines.size() - 1);
    }

    @Test
    void aNameThatIsNoNameIsA400RecordedNowhere() throws IOException {
        String since = String.valueOf(Instant.now().getEpochSecond() - 1);
        for (String name : List.of(NEWLINE_NAME, ESCAPE_NAME)) {
            // privileged too: before the fix, the refusal of --privileged was recorded with the name
            Daemon.Result create = curlAsAlice("POST", "/v1.50/containers/create?name=" + encoded(name),
                    "{\"Image\":\"busybox\",\"HostConfig\":{\"Privileged\":true}}");
            assertEquals("400", status(create), create.out());
            Map<String, Object> answer = JSON.std.mapFrom(create.out().lines().findFirst().orElseThrow());
            assertEquals("Invalid container name (" + name + "), only [a-zA-Z0-9][a-zA-Z0-9_.-] are allowed",
                    answer.get("message"), "the JSON answer is exact");
        }
        Daemon.Result json = daemon.tally("audit", "log", "--user", "alice", "--since", since, "--format", "json");
        assertEquals(0, json.code(), json.err());
        assertFalse(json.out().contains("owned") || json.out().contains("container/evil"), json.out());
        Daemon.Result events = daemon.tally("events", "--since", since, "--until", "0s");
        assertFalse(events.out().contains("owned") || events.out().contains("container/evil"), events.out());

        // and the CLI's own error line is one line, escaped
        Daemon.Result cli = daemon.tally("create", "--name", NEWLINE_NAME + ESCAPE_NAME, "busybox");
        assertEquals(1, cli.err().lines().count(), cli.err());
        assertTrue(cli.err().contains("(x\\n2026-12-04 21:00:00"), cli.err());
        assertTrue(cli.err().contains("x\\x1b[2J\\x1b[H\\x1b]0;owned\\a\\u009b31m"), cli.err());
        assertNoControlCharacters(cli.err());
    }

    @Test
    void recordedRequestTextPrintsAsOneEscapedLineAndExactlyInJson() throws IOException {
        String since = String.valueOf(Instant.now().getEpochSecond() - 1);
        String forged = NEWLINE_NAME + ESCAPE_NAME;
        Daemon.Result grant = curlAsAlice("POST", "/tally/v1/containers/" + encoded(forged) + "/grants",
                "{\"user\":\"bob\"}");
        assertEquals("403", status(grant), grant.out());
        String until = String.valueOf(Instant.now().getEpochSecond() + 1);

        Daemon.Result json = daemon.tally("audit", "log", "--user", "alice", "--denied", "--since", since,
                "--until", until, "--format", "json");
        assertEquals(0, json.code(), json.err());
        List<String> records = json.out().lines().toList();
        assertEquals(1, records.size(), json.out());
        Map<String, Object> record = JSON.std.mapFrom(records.get(0));
        assertEquals(forged, ((Map<?, ?>) record.get("objectRef")).get("name"), "JSON output stays exact");

        Daemon.Result table = daemon.tally("audit", "log", "--user", "alice", "--denied", "--since", since,
                "--until", until);
        assertEquals(0, table.code(), table.err());
        List<String> rows = table.out().lines().toList();
        assertEquals(2, rows.size(), "a header and one row per record: " + table.out());
        assertTrue(rows.get(1).contains("alice") && rows.get(1).contains("/x\\n2026-12-04 21:00:00"),
                rows.get(1));
        assertTrue(rows.get(1).contains("\\x1b[2J\\x1b[H\\x1b]0;owned\\a\\u009b31m"), rows.get(1));
        assertNoControlCharacters(table.out());

        Daemon.Result events = daemon.tally("events", "--since", since, "--until", until, "--filter", "type=tally");
        assertEquals(0, events.code(), events.err());
        List<String> lines = events.out().lines().toList();
        Daemon.Result raw = daemon.docker("events", "--since", since, "--until", until, "--filter", "type=tally",
                "--format", "{{json .}}");
        assertEquals(raw.out().lines().count(), lines.size(), "one line per event: " + events.out());
        assertTrue(lines.stream().anyMatch(l -> l.contains("tally access-denied container/x\\n2026-12-04 21:00:00")
                && l.contains("\\x1b[2J")), events.out());
        assertNoControlCharacters(events.out());
    }

    /** Nothing but the line ends the printer added. */
    private static void assertNoControlCharacters(String output) {
        output.lines().forEach(line -> assertTrue(line.codePoints().noneMatch(c -> c < 0x20 || c >= 0x7f && c <= 0x9f),
                "a control character in: " + line));
    }
}
