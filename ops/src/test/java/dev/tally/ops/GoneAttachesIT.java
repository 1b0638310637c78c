package dev.tally.ops;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * An attach to a container that has not started waits for its start; one whose container is removed
 * meanwhile ends (docs/security.md, "Limits and their defaults"). Before, it stayed in the runtime's
 * list of waiting attaches for good, its connection open and counted against its user's connections
 * and streams, holding its stdin relay: alice could lock herself out, and sixteen users every user,
 * with attaches to containers they then removed. The daemon's live relays are counted with
 * {@code jcmd GC.class_histogram} (a full collection first).
 */
class GoneAttachesIT {

    @BusyboxDaemon(beforeStart = SharedHostUsers.Made.class)
    private static Daemon daemon;
    private static SharedHostUsers users;
    private static Path script;

    @BeforeAll
    static void usersAndTheScript() throws Exception {
        users = new SharedHostUsers(daemon);
        // N attaches with stdin, each hung up once its upgrade came ("go"), or one read to its end ("hold")
        script = Files.writeString(daemon.root.resolve("attach-and-go.py"), String.join("\n",
                "import socket, sys",
                "path, cid, n, then = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4]",
                "for _ in range(n):",
                "    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)",
                "    s.connect(path)",
                "    s.sendall(('POST /containers/' + cid + '/attach?stream=1&stdin=1&stdout=1&stderr=1 HTTP/1.1\\r\\n'",
                "               'Host: d\\r\\nConnection: Upgrade\\r\\nUpgrade: tcp\\r\\nContent-Length: 0\\r\\n\\r\\n').encode())",
                "    got = b''",
                "    while b'\\r\\n\\r\\n' not in got:",
                "        c = s.recv(1)",
                "        if not c:",
                "            break",
                "        got += c",
                "    print(got.split(b'\\r\\n')[0].decode(), flush=True)",
                "    while then == 'hold' and s.recv(4096):",
                "        pass",
                "    print('ended' if then == 'hold' else 'gone', flush=True)",
                "    s.close()",
                ""));
        Daemon.exec(List.of("chmod", "0644", script.toString()), Map.of());
    }

    @Test
    void anAttachToAContainerRemovedBeforeItStartedEnds() throws Exception {
        String id = ok(users.docker("alice", "create", "-i", "--name", "removed-unstarted", "busybox", "cat")).out().strip();
        long before = relays();
        try (HeldProcesses held = new HeldProcesses(daemon.root.resolve("held-" + System.nanoTime()))) {
            HeldProcesses.Held attach = held.start("alice", Map.of(), "/usr/bin/python3", script.toString(),
                    daemon.socket.toString(), id, "1", "hold");
            await().atMost(Duration.ofSeconds(30)).until(() -> attach.out().startsWith("HTTP/1.1 101")
                    || !attach.process().isAlive());
            assertEquals(before + 1, relays(), attach.out() + attach.err());
            assertEquals(0, users.docker("alice", "rm", id).code());
            await().atMost(Duration.ofSeconds(30)).until(() -> !attach.process().isAlive());
            assertTrue(attach.out().startsWith("HTTP/1.1 101") && attach.out().endsWith("\nended\n"), attach.out());
            await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofSeconds(1)).until(() -> relays() == before);
        }
    }

    /** How many stdin relays the daemon holds, after a full collection: one per attach or exec it keeps. */
    private static long relays() {
        String pid;
        try {
            pid = Files.readString(daemon.root.resolve("run/tallyd.pid")).strip();
        } catch (java.io.IOException e) {
            throw new AssertionError(e);
        }
        Daemon.Result histogram = Daemon.exec(List.of(Path.of(System.getProperty("java.home"), "bin", "jcmd").toString(),
                pid, "GC.class_histogram"), Map.of());
        assertEquals(0, histogram.code(), histogram.err());
        assertTrue(histogram.out().contains("java.lang.String "), histogram.out());
        return histogram.out().lines().filter(l -> l.endsWith(" dev.tally.rest.StdinRelay"))
                .mapToLong(l -> Long.parseLong(l.trim().split("\\s+")[1])).sum();
    }

    private static Daemon.Result ok(Daemon.Result r) {
        assertEquals(0, r.code(), r.err());
        return r;
    }
}
