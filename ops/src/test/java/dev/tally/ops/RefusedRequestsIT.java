package dev.tally.ops;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Refusals recorded as what was asked, and made before the request's body is read. */
class RefusedRequestsIT {

    @BusyboxDaemon(beforeStart = SharedHostUsers.Made.class)
    private static Daemon daemon;
    private static SharedHostUsers users;

    @BeforeAll
    static void users() throws Exception {
        users = new SharedHostUsers(daemon);
    }

    /** A name that spells carol's container's full id was recorded as carol's container. */
    @Test
    void aRefusedNameThatSpellsAContainersIdIsRecordedAsTheNameNotAsThatContainer() {
        Daemon.Result carols = users.docker("carol", "create", "--name", "refused-carol", "busybox", "true");
        assertEquals(0, carols.code(), carols.err());
        String id = carols.out().strip();
        Daemon.Result asked = HostUsers.as("alice", Map.of(), List.of("curl", "-s", "-w", "\n%{http_code}",
                "--unix-socket", daemon.socket.toString(), "-H", "Content-Type: application/json", "-d",
                "{\"Image\":\"busybox\"}", "http://d/v1.50/containers/create?name=" + id));
        assertTrue(asked.out().endsWith("\n400"), asked.out());
        Daemon.Result log = daemon.tally("audit", "log", "--denied", "--user", "alice", "--format", "json");
        String row = log.out().lines().filter(l -> l.contains(id)).findFirst()
                .orElseThrow(() -> new AssertionError("no refusal recorded: " + log.out()));
        assertTrue(row.contains("\"name\":\"" + id + "\",\"id\":\"\""), row);
        assertFalse(row.contains("refused-carol"), "not recorded as carol's container: " + row);
        Daemon.Result table = daemon.tally("audit", "log", "--denied", "--user", "alice");
        assertFalse(table.out().contains("refused-carol"), table.out());
        assertEquals(0, daemon.docker("rm", "refused-carol").code());
    }

    /**
     * An import under a repository name nobody may use is answered before its body: the client says
     * it sends 10 GiB and sends none, and still gets its 400 (the refusal recorded) at once.
     */
    @Test
    void anImportUnderARefusedNameIsRefusedBeforeItsUploadIsRead() throws Exception {
        String repo = "6ead1bf79586";
        String head = "POST /v1.50/images/create?fromSrc=-&repo=" + repo + " HTTP/1.1\r\nHost: d\r\n"
                + "Content-Type: application/x-tar\r\nContent-Length: 10737418240\r\n\r\n";
        try (SocketChannel channel = SocketChannel.open(StandardProtocolFamily.UNIX)) {
            channel.connect(UnixDomainSocketAddress.of(daemon.socket));
            channel.write(ByteBuffer.wrap(head.getBytes(StandardCharsets.US_ASCII)));
            String answer = CompletableFuture.supplyAsync(() -> readAll(channel)).get(30, TimeUnit.SECONDS);
            assertTrue(answer.startsWith("HTTP/1.1 400 "), answer);
            assertTrue(answer.contains("invalid repository name (" + repo + ")"), answer);
        }
        Daemon.Result log = daemon.tally("audit", "log", "--denied", "--format", "json");
        assertTrue(log.out().lines().anyMatch(l -> l.contains("image.import") && l.contains(repo)), log.out());
    }

    private static String readAll(SocketChannel channel) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteBuffer buffer = ByteBuffer.allocate(8192);
        try {
            while (channel.read(buffer) > 0) {
                out.write(buffer.array(), 0, buffer.position());
                buffer.clear();
            }
        } catch (java.io.IOException e) {
            // the daemon closed the connection after its answer
        }
        return out.toString(StandardCharsets.UTF_8);
    }
}
