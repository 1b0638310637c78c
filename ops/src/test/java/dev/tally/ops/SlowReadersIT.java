package dev.tally.ops;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A client that reads nothing holds nothing of the daemon's memory (docs/security.md, "Limits and
 * their defaults"): the output of an exec or an attach goes to the client at the client's pace, so
 * a process writing to a client that does not read waits, as it would on a full pipe, instead of
 * the daemon keeping all it wrote. alice (group tally) asks, over the real socket, for a gigabyte of
 * output and reads only the answer's head; the process must be held after a few megabytes (without
 * the pace, the daemon took the whole gigabyte into its heap within seconds), and go on once she
 * goes away.
 */
class SlowReadersIT {

    /** One byte short of a GiB: a number no other process of the host has on its command line. */
    private static final long GIB = (1L << 30) - 1;
    /** What the daemon, the kernel's buffers and a pipe may hold for a client that reads nothing. */
    private static final long HELD_AT_MOST = 64L << 20;

    @BusyboxDaemon(beforeStart = SharedHostUsers.Made.class)
    private static Daemon daemon;
    private static SharedHostUsers users;
    private static Path script;
    private HeldProcesses held;

    @BeforeAll
    static void usersAndTheReader() throws Exception {
        users = new SharedHostUsers(daemon);
        script = Files.writeString(daemon.root.resolve("read-nothing.py"), String.join("\n",
                "import socket, sys",
                "path, request, then = sys.argv[1], sys.argv[2], sys.argv[3]",
                "s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)",
                "s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)",
                "s.connect(path)",
                "s.sendall(request.encode())",
                "got = b''",
                "while b'\\r\\n\\r\\n' not in got:",
                "    c = s.recv(1)",
                "    if not c:",
                "        break",
                "    got += c",
                "print(got.split(b'\\r\\n')[0].decode(), flush=True)",
                "s.sendall(then.encode())",
                "print('holding', flush=True)",
                "sys.stdin.read()",
                ""));
        Daemon.exec(List.of("chmod", "0644", script.toString()), Map.of());
    }

    @BeforeEach
    void processes() throws Exception {
        held = new HeldProcesses(daemon.root.resolve("held-" + System.nanoTime()));
    }

    @AfterEach
    void end() {
        held.close();
    }

    @Test
    void anExecsOutputWaitsForAClientThatReadsNothing() throws Exception {
        String id = ok(users.docker("alice", "run", "-d", "--name", "exec-spew", "busybox", "sleep", "600")).out().strip();
        String body = "{\"AttachStdout\":true,\"AttachStderr\":true,\"Cmd\":[\"sh\",\"-c\","
                + "\"head -c " + GIB + " /dev/zero; touch /tmp/wrote-all\"]}";
        String created = ok(HostUsers.as("alice", Map.of(), List.of("curl", "-sf", "--unix-socket",
                daemon.socket.toString(), "-H", "Content-Type: application/json", "-d", body,
                "http://d/containers/" + id + "/exec"))).out();
        String exec = created.replaceAll("(?s).*\"Id\"\\s*:\\s*\"([0-9a-f]+)\".*", "$1");
        String start = "{\"Detach\":false,\"Tty\":false}";
        HeldProcesses.Held reader = held.start("alice", Map.of(), "/usr/bin/python3", script.toString(),
                daemon.socket.toString(), "POST /exec/" + exec + "/start HTTP/1.1\r\nHost: d\r\nConnection: Upgrade\r\n"
                        + "Upgrade: tcp\r\nContent-Type: application/json\r\nContent-Length: " + start.length() + "\r\n\r\n"
                        + start, "");
        heldUntilTheClientGoes(id, reader);
    }

    @Test
    void anAttachsOutputWaitsForAClientThatReadsNothing() throws Exception {
        String id = ok(users.docker("alice", "run", "-d", "-i", "--name", "attach-spew", "busybox", "sh", "-c",
                "read x; head -c " + GIB + " /dev/zero; touch /tmp/wrote-all; sleep 600")).out().strip();
        HeldProcesses.Held reader = held.start("alice", Map.of(), "/usr/bin/python3", script.toString(),
                daemon.socket.toString(), "POST /containers/" + id + "/attach?stream=1&stdin=1&stdout=1&stderr=1 HTTP/1.1\r\n"
                        + "Host: d\r\nConnection: Upgrade\r\nUpgrade: tcp\r\nContent-Length: 0\r\n\r\n", "go\n");
        heldUntilTheClientGoes(id, reader);
    }

    /**
     * {@code logs -f} (and an attach without stdin, which follows the log too) reads the log only as
     * fast as the client takes it: the container writes 48 MiB while alice's client reads nothing, and
     * the daemon reads less than 8 MiB, everything it read for any reason included (without the pace
     * it read all of the log into its heap, 1 MiB every 15 ms; with Vert.x's queue, which counts writes,
     * sixteen such chunks).
     */
    @Test
    void logsFollowReadsTheLogOnlyAsTheClientTakesIt() throws Exception {
        String id = ok(users.docker("alice", "run", "-d", "--name", "log-spew", "busybox", "sh", "-c",
                "echo ready; while [ ! -e /tmp/go ]; do sleep 0.1; done; head -c " + (48L << 20)
                        + " /dev/zero; touch /tmp/wrote-all; sleep 600")).out().strip();
        HeldProcesses.Held reader = held.start("alice", Map.of(), "/usr/bin/python3", script.toString(),
                daemon.socket.toString(), "GET /containers/" + id + "/logs?follow=1&stdout=1&stderr=1 HTTP/1.1\r\n"
                        + "Host: d\r\n\r\n", "");
        await().atMost(Duration.ofSeconds(30)).until(() -> reader.out().contains("holding") || !reader.process().isAlive());
        assertTrue(reader.out().startsWith("HTTP/1.1 200"), reader.out() + reader.err());
        long before = tallydRead();
        ok(users.docker("alice", "exec", id, "touch", "/tmp/go"));
        await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofSeconds(1)).until(() -> wroteAll(id));
        long[] read = {0};
        try {
            await().during(Duration.ofSeconds(3)).atMost(Duration.ofSeconds(10)).until(() -> {
                read[0] = tallydRead() - before;
                return read[0] < (8L << 20);
            });
        } catch (org.awaitility.core.ConditionTimeoutException e) {
            throw new AssertionError("tallyd read " + read[0] + " bytes while alice's logs -f took nothing", e);
        }
        reader.stdin().close();
        assertEquals(0, users.docker("alice", "rm", "-f", id).code());
    }

    /** What tallyd has read so far, from files, pipes and sockets alike ({@code rchar}). */
    private static long tallydRead() throws java.io.IOException {
        String pid = Files.readString(daemon.root.resolve("run/tallyd.pid")).strip();
        for (String line : Files.readAllLines(Path.of("/proc", pid, "io"))) {
            if (line.startsWith("rchar:")) {
                return Long.parseLong(line.substring("rchar:".length()).strip());
            }
        }
        throw new AssertionError("no rchar in /proc/" + pid + "/io");
    }

    /**
     * The reader got its upgrade; the process writing the gigabyte is held after a little of it,
     * and goes on to the end once the reader goes away.
     */
    private void heldUntilTheClientGoes(String id, HeldProcesses.Held reader) throws Exception {
        await().atMost(Duration.ofSeconds(30)).until(() -> reader.out().contains("holding") || !reader.process().isAlive());
        assertTrue(reader.out().startsWith("HTTP/1.1 101"), reader.out() + reader.err());
        try {
            await().atMost(Duration.ofSeconds(30)).until(() -> !writers().isEmpty() || wroteAll(id));
        } catch (org.awaitility.core.ConditionTimeoutException e) {
            throw new AssertionError("no writer: " + Daemon.exec(List.of("ps", "-eo", "pid,stat,wchan:24,args"), Map.of()).out()
                    + "\nreader: " + reader.out() + reader.err(), e);
        }
        long[] before = {-1};
        // held: still there, and writing nothing more between two looks a second apart
        await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofSeconds(1)).until(() -> {
            OptionalLong now = written();
            if (now.isEmpty()) {
                return true;
            }
            boolean still = now.getAsLong() == before[0];
            before[0] = now.getAsLong();
            return still;
        });
        assertFalse(wroteAll(id), "the process wrote all of a GiB while alice read nothing: the daemon kept it");
        assertTrue(before[0] < HELD_AT_MOST, "the process wrote " + before[0] + " bytes before it was held");
        reader.stdin().close();
        await().atMost(Duration.ofSeconds(90)).until(() -> wroteAll(id));
        assertEquals(0, users.docker("alice", "rm", "-f", id).code());
    }

    /**
     * The host pids of the processes whose command line asks for the gigabyte: busybox's sh runs
     * {@code head} in a child of its own, under its own command line, so the writer is among them.
     */
    private static List<Long> writers() {
        String out = Daemon.exec(List.of("pgrep", "-f", "head -c " + GIB + " /dev/zero"), Map.of()).out().strip();
        return out.lines().filter(l -> !l.isBlank()).map(Long::parseLong).toList();
    }

    /** The most any of them has written so far (their {@code wchar}): the writer's; empty when none runs. */
    private static OptionalLong written() {
        OptionalLong most = OptionalLong.empty();
        for (long pid : writers()) {
            try {
                for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "io"))) {
                    if (line.startsWith("wchar:")) {
                        long w = Long.parseLong(line.substring("wchar:".length()).strip());
                        most = OptionalLong.of(Math.max(w, most.orElse(0)));
                    }
                }
            } catch (java.io.IOException gone) {
                // ended between the listing and the look
            }
        }
        return most;
    }

    private static boolean wroteAll(String id) {
        return users.docker("alice", "exec", id, "test", "-e", "/tmp/wrote-all").code() == 0;
    }

    private static Daemon.Result ok(Daemon.Result r) {
        assertEquals(0, r.code(), r.err());
        return r;
    }
}
