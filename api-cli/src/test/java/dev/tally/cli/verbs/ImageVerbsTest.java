package dev.tally.cli.verbs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tally.cli.CliRun;
import dev.tally.cli.http.FakeDaemon;
import dev.tally.cli.http.FakeDaemonExtension;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(FakeDaemonExtension.class)
class ImageVerbsTest {

    private static final String ID = "sha256:" + "5b64a286d51e".repeat(5) + "abcd";

    /** Started before each test, closed and checked for handler failures after it. */
    private FakeDaemon daemon;

    private String query(int request) {
        return URLDecoder.decode(daemon.requests().get(request).query(), StandardCharsets.UTF_8);
    }

    @Test
    void imagesWithARepositoryAsksForThatReferenceAndShowsDigestsWhenAsked() {
        daemon.on("GET", "/images/json", exchange -> exchange.respondJson(200, "[{\"Id\":\"" + ID + "\","
                + "\"RepoTags\":[\"busybox:latest\"],\"RepoDigests\":[\"busybox@sha256:" + "d".repeat(64) + "\"],"
                + "\"Created\":0,\"Size\":4261550}]"));

        CliRun quiet = CliRun.run(daemon.address(), "images", "-q", "busybox");
        CliRun digests = CliRun.run(daemon.address(), "images", "--digests", "--filter", "dangling=false");

        assertEquals(0, quiet.exitCode(), quiet.stderr());
        assertEquals("5b64a286d51e\n", quiet.stdout());
        assertTrue(query(0).contains("filters={\"reference\":{\"busybox\":true}}"), query(0));
        assertEquals(0, digests.exitCode(), digests.stderr());
        assertTrue(digests.stdout().startsWith("REPOSITORY   TAG       DIGEST"), digests.stdout());
        assertTrue(digests.stdout().contains("sha256:" + "d".repeat(64)), digests.stdout());
        assertTrue(query(1).contains("\"dangling\":{\"false\":true}") && query(1).contains("digests=1"), query(1));
    }

    @Test
    void tagSplitsTheTargetIntoRepositoryAndTag() {
        daemon.on("POST", "/images/busybox/tag", exchange -> exchange.respondEmpty(201));

        CliRun tagged = CliRun.run(daemon.address(), "tag", "busybox", "localhost:5000/team/app:1.2");
        CliRun untagged = CliRun.run(daemon.address(), "image", "tag", "busybox", "alice/app");

        assertEquals(0, tagged.exitCode(), tagged.stderr());
        assertEquals("repo=localhost:5000/team/app&tag=1.2", query(0));
        assertEquals(0, untagged.exitCode(), untagged.stderr());
        assertEquals("repo=alice/app", query(1));
    }

    @Test
    void rmiPrintsDockersLinesAndGoesOnAfterAFailure() {
        daemon.on("DELETE", "/images/alice/a", exchange -> exchange.respondJson(200,
                "[{\"Untagged\":\"alice/a:latest\"},{\"Deleted\":\"" + ID + "\"}]"));
        daemon.on("DELETE", "/images/busybox", exchange -> exchange.respondJson(409,
                "{\"message\":\"conflict: unable to remove repository reference \\\"busybox\\\" (must force)\"}"));

        CliRun result = CliRun.run(daemon.address(), "rmi", "busybox", "alice/a");

        assertEquals(1, result.exitCode());
        assertEquals("Untagged: alice/a:latest\nDeleted: " + ID + "\n", result.stdout());
        assertTrue(result.stderr().startsWith("tally: rmi: conflict"), result.stderr());
    }

    @Test
    void historyPrintsDockersTable() {
        daemon.on("GET", "/images/busybox/history", exchange -> exchange.respondJson(200, "[{\"Id\":\"" + ID + "\","
                + "\"Created\":0,\"CreatedBy\":\"\",\"Tags\":[\"busybox:latest\"],\"Size\":4261550,"
                + "\"Comment\":\"Imported from -\"},{\"Id\":\"<missing>\",\"Created\":0,\"CreatedBy\":\"\",\"Size\":0,"
                + "\"Comment\":\"\"}]"));

        CliRun table = CliRun.run(daemon.address(), "history", "busybox");
        CliRun quiet = CliRun.run(daemon.address(), "image", "history", "-q", "busybox");

        assertEquals(0, table.exitCode(), table.stderr());
        assertTrue(table.stdout().startsWith("IMAGE"), table.stdout());
        assertTrue(table.stdout().contains("5b64a286d51e") && table.stdout().contains("Imported from -"), table.stdout());
        assertEquals("5b64a286d51e\n<missing>\n", quiet.stdout());
    }

    @Test
    void pruneAsksFirstUnlessForcedAndPrintsWhatWent() {
        daemon.on("POST", "/images/prune", exchange -> exchange.respondJson(200,
                "{\"ImagesDeleted\":[{\"Deleted\":\"" + ID + "\"}],\"SpaceReclaimed\":4261550}"));

        CliRun declined = CliRun.run(daemon.address(), "image", "prune");
        CliRun forced = CliRun.run(daemon.address(), "image", "prune", "-a", "-f");

        assertEquals(0, declined.exitCode(), declined.stderr());
        assertTrue(declined.stdout().contains("Are you sure"), declined.stdout());
        assertEquals(1, daemon.requests().size(), "nothing asked of the daemon before a yes");
        assertEquals("Deleted Images:\nDeleted: " + ID + "\n\nTotal reclaimed space: 4.26MB\n", forced.stdout());
        assertTrue(query(0).contains("\"dangling\":{\"false\":true}"), query(0));
    }
}
