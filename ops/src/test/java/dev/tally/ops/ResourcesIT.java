package dev.tally.ops;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tally.runtime.CgroupHierarchy;
import dev.tally.runtime.ContainerCgroup;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@code docker stats}, {@code update}, {@code system df} and the prune verbs, by the real docker CLI
 * (28, and Debian's 20.10 when it is at {@link #DOCKER_20}) against a real tallyd, as root and as
 * alice and bob (group tally, not admins): numbers from the containers' real cgroups, limits changed
 * on the live cgroup and recorded with who asked, and each caller sweeping only what is theirs.
 */
class ResourcesIT {

    /** Debian's docker.io 20.10 client (API 1.41), unpacked there by hand; its cases are skipped when absent. */
    static final Path DOCKER_20 = Path.of("/tmp/docker20/x/usr/bin/docker");

    @BusyboxDaemon(beforeStart = SharedHostUsers.Made.class)
    private static Daemon daemon;
    private static SharedHostUsers users;

    @BeforeAll
    static void users() throws Exception {
        users = new SharedHostUsers(daemon);
    }

    private static Daemon.Result ok(Daemon.Result r) {
        assertEquals(0, r.code(), r.out() + r.err());
        return r;
    }

    private static String id(String name) {
        return ok(daemon.docker("inspect", "-f", "{{.Id}}", name)).out().strip();
    }

    private static ContainerCgroup cgroup(String name) {
        return CgroupHierarchy.host().container(id(name));
    }

    /** The caller's answer to a GET or POST of the API, over the socket, as that user. */
    private static JsonObject api(String user, String method, String path) {
        Daemon.Result r = HostUsers.as(user, Map.of(), List.of("curl", "-sf", "-X", method, "--unix-socket",
                daemon.socket.toString(), "http://tally" + path));
        assertEquals(0, r.code(), path + ": " + r.out() + r.err());
        return new JsonObject(r.out());
    }

    private static double percent(String column) {
        return Double.parseDouble(column.strip().replace("%", ""));
    }

    @Test
    void statsNoStreamShowsWhatTheContainersCgroupCounts() throws Exception {
        ok(daemon.docker("run", "-d", "--name", "busy", "-m", "64m", "--pids-limit", "20", "busybox", "sh", "-c",
                "while :; do :; done"));
        String[] row = ok(daemon.docker("stats", "--no-stream", "--format", "{{.CPUPerc}}|{{.MemUsage}}|{{.PIDs}}", "busy"))
                .out().strip().split("\\|");
        assertTrue(percent(row[0]) > 1.0, "a busy loop uses CPU: " + String.join("|", row));
        assertTrue(row[1].endsWith("/ 64MiB"), "the limit is the cgroup's: " + row[1]);
        assertNotEquals("0B / 64MiB", row[1].strip(), "the usage is the cgroup's");
        assertEquals("1", row[2]);
        if (Files.isExecutable(DOCKER_20)) {
            Daemon.Result old = Daemon.exec(List.of(DOCKER_20.toString(), "stats", "--no-stream", "--format",
                    "{{.CPUPerc}}|{{.MemUsage}}", "busy"), Map.of("DOCKER_HOST", "unix://" + daemon.socket));
            assertEquals(0, old.code(), old.err());
            assertTrue(percent(old.out().split("\\|")[0]) > 1.0, old.out());
            assertTrue(old.out().strip().endsWith("/ 64MiB"), old.out());
        }

        JsonObject raw = api("root", "GET", "/v1.50/containers/busy/stats?stream=false");
        assertEquals("/busy", raw.getString("name"));
        assertEquals(64L << 20, raw.getJsonObject("memory_stats").getLong("limit"));
        assertEquals(20L, raw.getJsonObject("pids_stats").getLong("limit"));
        long total = raw.getJsonObject("cpu_stats").getJsonObject("cpu_usage").getLong("total_usage");
        long before = raw.getJsonObject("precpu_stats").getJsonObject("cpu_usage").getLong("total_usage");
        assertTrue(total > before && before > 0, "precpu_stats is a sample a second before: " + raw.encode());
        assertTrue(raw.getJsonObject("cpu_stats").getLong("system_cpu_usage")
                > raw.getJsonObject("precpu_stats").getLong("system_cpu_usage"));
        assertEquals(Runtime.getRuntime().availableProcessors(), raw.getJsonObject("cpu_stats").getInteger("online_cpus"));
        assertTrue(raw.getJsonObject("memory_stats").getLong("usage") > 0);
        assertTrue(raw.getJsonObject("memory_stats").getJsonObject("stats").size() > 5, "memory.stat is passed on");
        ok(daemon.docker("rm", "-f", "busy"));
    }

    @Test
    void aUserSeesTheStatsOfTheirOwnContainersOnly() {
        ok(users.docker("alice", "run", "-d", "--name", "alice-stats", "-m", "48m", "busybox", "sleep", "300"));
        String mine = ok(users.docker("alice", "stats", "--no-stream", "--format", "{{.Name}} {{.MemUsage}}", "alice-stats"))
                .out();
        assertTrue(mine.startsWith("alice-stats ") && mine.strip().endsWith("/ 48MiB"), mine);
        Daemon.Result bobs = users.docker("bob", "stats", "--no-stream", "alice-stats");
        assertNotEquals(0, bobs.code());
        assertTrue(bobs.err().contains("No such container"), bobs.err());
        Daemon.Result raw = HostUsers.as("bob", Map.of(), List.of("curl", "-s", "-w", " %{http_code}", "--unix-socket",
                daemon.socket.toString(), "http://tally/containers/alice-stats/stats?stream=false"));
        assertTrue(raw.out().endsWith(" 404"), raw.out());
        ok(users.docker("alice", "rm", "-f", "alice-stats"));
    }

    @Test
    void statsStreamsAFrameEverySecondAndTheCliShowsThem() throws Exception {
        ok(daemon.docker("run", "-d", "--name", "streamed", "busybox", "sh", "-c", "while :; do :; done"));
        List<JsonObject> frames = new ArrayList<>();
        Process curl = new ProcessBuilder("curl", "-sN", "--unix-socket", daemon.socket.toString(),
                "http://tally/v1.50/containers/streamed/stats").redirectErrorStream(true).start();
        try {
            assertTimeoutPreemptively(Duration.ofSeconds(30), () -> {
                BufferedReader lines = new BufferedReader(new InputStreamReader(curl.getInputStream(), StandardCharsets.UTF_8));
                while (frames.size() < 4) {
                    String line = lines.readLine();
                    assertTrue(line != null, "the stream ended after " + frames.size() + " frames");
                    frames.add(new JsonObject(line));
                }
            });
        } finally {
            curl.destroy();
        }
        JsonObject first = frames.get(1);
        JsonObject second = frames.get(2);
        assertEquals(first.getJsonObject("cpu_stats").getJsonObject("cpu_usage").getLong("total_usage"),
                second.getJsonObject("precpu_stats").getJsonObject("cpu_usage").getLong("total_usage"),
                "each frame's precpu_stats is the frame before");
        assertEquals(first.getString("read"), second.getString("preread"));
        assertEquals(second.getString("read"), frames.get(3).getString("preread"));
        // A frame a second: its time is when its sample was read, on a worker thread some moment after the timer's
        // tick, so on a loaded host two frames in a row can be 1 s less the first one's lag apart (asserted at least
        // 500 ms before): the span of two intervals is asserted, which only a lag over a second brings under 1 s
        Duration span = Duration.between(Instant.parse(first.getString("read")), Instant.parse(frames.get(3).getString("read")));
        assertTrue(span.toMillis() >= 1000 && span.toMillis() <= 10_000, "two frames a second apart each: " + span);
        assertTrue(second.getJsonObject("cpu_stats").getJsonObject("cpu_usage").getLong("total_usage")
                > first.getJsonObject("cpu_stats").getJsonObject("cpu_usage").getLong("total_usage"));

        // the CLI's streaming view (without a terminal it redraws each frame below the last)
        // the CLI waits for its stream to end on SIGTERM: KILL two seconds later
        Daemon.Result view = Daemon.exec(List.of("timeout", "-k", "2", "5", "docker", "stats", "--format", "{{.Name}} {{.CPUPerc}}",
                "streamed"), Map.of("DOCKER_HOST", "unix://" + daemon.socket));
        assertTrue(view.code() == 124 || view.code() == 137, "it streams until stopped: " + view.code() + view.err());
        List<String> shown = view.out().lines().map(l -> l.replaceAll("\u001b\\[[0-9;]*[A-Za-z]", "").strip())
                .filter(l -> l.startsWith("streamed ")).toList();
        assertTrue(shown.size() >= 2, "at least two frames: " + view.out());
        assertTrue(shown.stream().anyMatch(l -> percent(l.substring("streamed ".length())) > 1.0), view.out());
        ok(daemon.docker("rm", "-f", "streamed"));
    }

    @Test
    void updateChangesTheLiveCgroupIsRecordedWithTheCallerAndOutlivesARestart() throws Exception {
        ok(users.docker("alice", "run", "-d", "--name", "alice-upd", "-m", "64m", "busybox", "sleep", "300"));
        ok(users.docker("alice", "update", "--memory", "32m", "--memory-swap", "64m", "--cpus", "0.5", "--pids-limit", "40",
                "alice-upd"));
        assertEquals("33554432 67108864 500000000 40", ok(daemon.docker("inspect", "-f",
                "{{.HostConfig.Memory}} {{.HostConfig.MemorySwap}} {{.HostConfig.NanoCpus}} {{.HostConfig.PidsLimit}}",
                "alice-upd")).out().strip());
        ContainerCgroup live = cgroup("alice-upd");
        assertEquals(OptionalLong.of(32L << 20), live.memoryLimit());
        assertEquals(OptionalLong.of(40), live.pidsLimit());
        assertEquals(new ContainerCgroup.CpuQuota(50_000, 100_000), live.cpuQuota().orElseThrow());
        String events = ok(daemon.docker("events", "--since", "0", "--until", "0s", "--filter", "event=update",
                "--filter", "container=alice-upd", "--format", "{{.Action}} {{index .Actor.Attributes \"tally.user\"}}")).out();
        assertEquals("update alice\n", events);
        assertTrue(ok(daemon.tally("audit", "log")).out().contains("update"), "the audit has it");

        ok(users.docker("alice", "restart", "-t", "0", "alice-upd"));
        assertEquals(OptionalLong.of(32L << 20), cgroup("alice-upd").memoryLimit(), "the bundle has the new limit");

        Daemon.Result bobs = users.docker("bob", "update", "--memory", "16m", "alice-upd");
        assertNotEquals(0, bobs.code());
        assertTrue(bobs.err().contains("No such container"), bobs.err());
        Daemon.Result tooSmall = users.docker("alice", "update", "--memory", "1m", "alice-upd");
        assertTrue(tooSmall.err().contains("Minimum memory limit allowed is 6MB"), tooSmall.err());
        Daemon.Result aboveSwap = users.docker("alice", "update", "--memory", "128m", "alice-upd");
        assertTrue(aboveSwap.err().contains("memoryswap"), aboveSwap.err());
        Daemon.Result notApplied = users.docker("alice", "update", "--blkio-weight", "300", "alice-upd");
        assertTrue(notApplied.err().contains("BlkioWeight"), notApplied.err());
        assertEquals(OptionalLong.of(32L << 20), cgroup("alice-upd").memoryLimit(), "refused updates change nothing");
        assertEquals(1, ok(daemon.docker("events", "--since", "0", "--until", "0s", "--filter", "event=update",
                "--filter", "container=alice-upd")).out().lines().count(), "refused updates record no update");

        if (Files.isExecutable(DOCKER_20)) {
            Daemon.Result old = Daemon.exec(List.of(DOCKER_20.toString(), "update", "-m", "40m", "alice-upd"),
                    Map.of("DOCKER_HOST", "unix://" + daemon.socket));
            assertEquals(0, old.code(), old.err());
            assertEquals(OptionalLong.of(40L << 20), cgroup("alice-upd").memoryLimit());
        }
        ok(users.docker("alice", "rm", "-f", "alice-upd"));
    }

    @Test
    void systemDfCountsWhatTheCallerMaySee() {
        ok(users.docker("alice", "run", "--name", "alice-df", "-v", "alice-dfvol:/data", "busybox", "sh", "-c",
                "dd if=/dev/zero of=/written bs=1k count=100 2>/dev/null; echo x > /data/x"));
        JsonObject alices = api("alice", "GET", "/system/df");
        JsonArray containers = alices.getJsonArray("Containers");
        assertEquals(1, containers.size(), "alice sees her own container only: " + containers.encode());
        assertTrue(containers.getJsonObject(0).getLong("SizeRw") >= 100 * 1024, containers.encode());
        JsonArray volumes = alices.getJsonArray("Volumes");
        assertEquals(1, volumes.size(), volumes.encode());
        assertEquals(1L, volumes.getJsonObject(0).getJsonObject("UsageData").getLong("RefCount"));
        assertEquals(2L, volumes.getJsonObject(0).getJsonObject("UsageData").getLong("Size"));
        assertEquals(1, alices.getJsonArray("Images").getJsonObject(0).getInteger("Containers"));
        JsonObject bobs = api("bob", "GET", "/system/df");
        assertEquals(0, bobs.getJsonArray("Containers").size(), bobs.encode());
        assertEquals(0, bobs.getJsonArray("Volumes").size(), bobs.encode());

        String table = ok(users.docker("alice", "system", "df", "--format", "{{.Type}} {{.TotalCount}} {{.Active}}")).out();
        assertTrue(table.contains("Containers 1 0"), table);
        assertTrue(table.contains("Local Volumes 1 1"), table);
        assertTrue(ok(users.docker("alice", "system", "df", "-v")).out().contains("alice-dfvol"));
        if (Files.isExecutable(DOCKER_20)) {
            Daemon.Result old = HostUsers.as("alice", Map.of("DOCKER_HOST", "unix://" + daemon.socket),
                    List.of(DOCKER_20.toString(), "system", "df"));
            assertEquals(0, old.code(), old.err());
            assertTrue(old.out().contains("Local Volumes"), old.out());
        }
        ok(users.docker("alice", "rm", "alice-df"));
        ok(users.docker("alice", "volume", "rm", "alice-dfvol"));
    }

    @Test
    void containerPruneRemovesOnlyTheCallersStoppedContainersEachAsAnRm() {
        ok(users.docker("alice", "run", "--name", "alice-p1", "busybox", "true"));
        ok(users.docker("alice", "create", "--name", "alice-p2", "--label", "sweep=yes", "busybox", "true"));
        ok(users.docker("alice", "run", "-d", "--name", "alice-live", "busybox", "sleep", "300"));
        ok(users.docker("bob", "run", "--name", "bob-p1", "busybox", "true"));
        ok(daemon.docker("run", "--name", "root-p1", "busybox", "true"));
        ok(daemon.tally("grant", "alice-p1", "bob"));

        // bob may act on alice-p1 by name, but his prune sweeps only what he created
        ok(users.docker("bob", "container", "prune", "-f"));
        String afterBob = ok(daemon.docker("ps", "-a", "--format", "{{.Names}}")).out();
        assertTrue(afterBob.contains("alice-p1") && !afterBob.contains("bob-p1"), afterBob);
        String p1 = id("alice-p1");
        String p2 = id("alice-p2");
        String labelled = ok(users.docker("alice", "container", "prune", "-f", "--filter", "label=sweep=yes")).out();
        assertTrue(labelled.contains(p2) && !labelled.contains(p1), labelled);
        String swept = ok(users.docker("alice", "container", "prune", "-f")).out();
        assertTrue(swept.contains("Deleted Containers"), swept);
        String left = ok(daemon.docker("ps", "-a", "--format", "{{.Names}}")).out();
        assertFalse(left.contains("alice-p1"), left);
        assertTrue(left.contains("alice-live") && left.contains("root-p1"), left);
        String removals = ok(daemon.docker("events", "--since", "0", "--until", "0s", "--filter", "event=destroy",
                "--format", "{{.Actor.Attributes.name}} {{index .Actor.Attributes \"tally.user\"}}")).out();
        assertTrue(removals.contains("alice-p1 alice\n") && removals.contains("alice-p2 alice\n"), removals);

        ok(daemon.docker("container", "prune", "-f"));
        left = ok(daemon.docker("ps", "-a", "--format", "{{.Names}}")).out();
        assertFalse(left.contains("root-p1"), left);
        assertTrue(left.contains("alice-live"), "a running container is never pruned: " + left);
        ok(users.docker("alice", "rm", "-f", "alice-live"));
    }

    @Test
    void volumePruneRemovesOnlyTheCallersUnusedVolumes() {
        ok(users.docker("alice", "volume", "create", "alice-v1"));
        ok(users.docker("alice", "create", "--name", "alice-vc", "-v", "alice-v2:/data", "busybox", "true"));
        ok(users.docker("bob", "volume", "create", "bob-v1"));

        // API 1.42 and later: anonymous volumes only, unless --all; the docker CLI 20.10 on PATH (a fresh
        // Debian 12) speaks 1.41, where prune takes every unused volume and has no --all
        String api = ok(daemon.docker("version", "--format", "{{.Client.APIVersion}}")).out().strip();
        String swept;
        if (Double.parseDouble(api) >= 1.42) {
            ok(users.docker("alice", "volume", "prune", "-f"));
            assertTrue(ok(daemon.docker("volume", "ls", "-q")).out().contains("alice-v1"));
            swept = ok(users.docker("alice", "volume", "prune", "-a", "-f")).out();
        } else {
            swept = ok(users.docker("alice", "volume", "prune", "-f")).out();
        }
        assertTrue(swept.contains("alice-v1") && !swept.contains("alice-v2") && !swept.contains("bob-v1"), swept);
        String left = ok(daemon.docker("volume", "ls", "-q")).out();
        assertFalse(left.contains("alice-v1"), left);
        assertTrue(left.contains("alice-v2") && left.contains("bob-v1"), left);
        String removals = ok(daemon.docker("events", "--since", "0", "--until", "0s", "--filter", "type=volume",
                "--filter", "event=destroy", "--format", "{{.Actor.ID}} {{index .Actor.Attributes \"tally.user\"}}")).out();
        assertTrue(removals.contains("alice-v1 alice"), removals);

        if (Files.isExecutable(DOCKER_20)) {
            // API 1.41: every unused volume
            Daemon.Result old = HostUsers.as("bob", Map.of("DOCKER_HOST", "unix://" + daemon.socket),
                    List.of(DOCKER_20.toString(), "volume", "prune", "-f"));
            assertEquals(0, old.code(), old.err());
            assertTrue(old.out().contains("bob-v1"), old.out());
        }
        ok(users.docker("alice", "rm", "alice-vc"));
        ok(users.docker("alice", "volume", "rm", "alice-v2"));
    }

    @Test
    void networkPruneHasNothingToRemoveAndBuildPruneSaysItIsNotSupported() {
        ok(users.docker("alice", "network", "prune", "-f"));
        Daemon.Result build = users.docker("alice", "builder", "prune", "-f");
        assertNotEquals(0, build.code());
        assertTrue(build.err().contains("not supported"), build.err());
    }
}
