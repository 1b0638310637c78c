package dev.tally.ops;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The options issue 11 found accepted and ignored, applied (issue 11, finding 5): each read back
 * inside a real runc container (its cgroup, its process, its files) and in {@code docker inspect},
 * for an admin (root) and in a non-admin's remapped container (alice); values the host cannot give
 * are a 400.
 */
class AppliedOptionsIT {

    @BusyboxDaemon(beforeStart = SharedHostUsers.Made.class)
    private static Daemon daemon;
    private static SharedHostUsers users;

    @BeforeAll
    static void users() throws Exception {
        users = new SharedHostUsers(daemon);
    }

    private static final List<String> OPTIONS = List.of("--cpu-shares", "512", "--cpuset-cpus", "0", "--cpuset-mems", "0",
            "-m", "64m", "--memory-swap", "128m", "--shm-size", "8m", "--group-add", "1234", "--group-add", "nogroup",
            "--add-host", "db:10.1.2.3", "--dns", "9.9.9.9", "--dns-search", "example.org", "--dns-option", "ndots:2",
            "--init", "--cgroupns", "private");

    /** What the container sees of each option, one line each. */
    private static final String LOOK = "cat /sys/fs/cgroup/cpu/cpu.shares /sys/fs/cgroup/cpuset/cpuset.cpus"
            + " /sys/fs/cgroup/cpuset/cpuset.mems /sys/fs/cgroup/memory/memory.memsw.limit_in_bytes;"
            + " grep ' /dev/shm ' /proc/mounts | grep -o 'size=[0-9]*k';"
            + " grep Groups /proc/self/status; grep db /etc/hosts; cat /etc/resolv.conf;"
            + " tr '\\0' ' ' < /proc/1/cmdline; echo; echo pid $$; grep memory /proc/self/cgroup";

    private static final String SEEN = "512\n0\n0\n134217728\nsize=8192k\nGroups:\t1234 65534 \n10.1.2.3\tdb\n"
            + "nameserver 9.9.9.9\nsearch example.org\noptions ndots:2\n";

    private static List<String> run(String... command) {
        List<String> args = new java.util.ArrayList<>(List.of("run", "--rm"));
        args.addAll(OPTIONS);
        args.addAll(List.of("busybox", "sh", "-c"));
        args.addAll(List.of(command));
        return args;
    }

    private static void assertSeen(Daemon.Result r) {
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().startsWith(SEEN), r.out());
        String rest = r.out().substring(SEEN.length());
        assertTrue(rest.startsWith("/sbin/docker-init -- sh -c "), "pid 1 is the init: " + rest);
        assertTrue(rest.contains("\npid "), rest);
        assertNotEquals("1", rest.substring(rest.indexOf("\npid ") + 5).lines().findFirst().orElse(""), "the command is not pid 1");
        assertTrue(rest.strip().endsWith(":memory:/"), "its own cgroup namespace: " + rest);
    }

    @Test
    void anAdminsContainerHasEachOption() {
        assertSeen(daemon.docker(run(LOOK).toArray(String[]::new)));
    }

    @Test
    void aUsersRemappedContainerHasEachOptionToo() {
        assertSeen(users.docker("alice", run(LOOK).toArray(String[]::new)));
    }

    @Test
    void inspectShowsEachOption() {
        List<String> args = new java.util.ArrayList<>(List.of("create", "--name", "opts"));
        args.addAll(OPTIONS);
        args.addAll(List.of("--device-cgroup-rule", "c 1:3 rwm", "busybox", "true"));
        assertEquals(0, daemon.docker(args.toArray(String[]::new)).code());
        Daemon.Result inspect = daemon.docker("inspect", "-f", "{{.HostConfig.CpuShares}} {{.HostConfig.CpusetCpus}}"
                + " {{.HostConfig.CpusetMems}} {{.HostConfig.MemorySwap}} {{.HostConfig.ShmSize}} {{.HostConfig.GroupAdd}}"
                + " {{.HostConfig.ExtraHosts}} {{.HostConfig.Dns}} {{.HostConfig.DnsSearch}} {{.HostConfig.DnsOptions}}"
                + " {{.HostConfig.Init}} {{.HostConfig.CgroupnsMode}} {{.HostConfig.DeviceCgroupRules}}", "opts");
        assertEquals("512 0 0 134217728 8388608 [1234 nogroup] [db:10.1.2.3] [9.9.9.9] [example.org] [ndots:2] true private"
                + " [c 1:3 rwm]\n", inspect.out(), inspect.err());
        assertEquals(0, daemon.docker("rm", "opts").code());
        assertEquals("0 67108864 null \n", runAndInspect("plain"));
    }

    private static String runAndInspect(String name) {
        assertEquals(0, daemon.docker("create", "--name", name, "busybox", "true").code());
        String out = daemon.docker("inspect", "-f", "{{.HostConfig.CpuShares}} {{.HostConfig.ShmSize}} {{json .HostConfig.Init}}"
                + " {{.HostConfig.CgroupnsMode}}", name).out();
        assertEquals(0, daemon.docker("rm", name).code());
        return out;
    }

    /**
     * A device rule lets an admin's container open that device (10:237, /dev/loop-control, opened
     * read-only and closed); without it the cgroup refuses (making the node is allowed either way).
     */
    @Test
    void aDeviceCgroupRuleAllowsItsDeviceOnly() {
        String open = "mknod /tmp/lc c 10 237 && exec 3</tmp/lc && echo opened";
        Daemon.Result allowed = daemon.docker("run", "--rm", "--device-cgroup-rule", "c 10:237 r", "busybox", "sh", "-c", open);
        assertEquals("opened\n", allowed.out(), allowed.err());
        Daemon.Result refused = daemon.docker("run", "--rm", "busybox", "sh", "-c", open);
        assertNotEquals(0, refused.code());
        assertTrue(refused.err().contains("Operation not permitted"), refused.err());
    }

    @Test
    void valuesTheHostCannotGiveOrThatAreNotValuesAre400s() {
        Map<List<String>, String> refused = Map.of(
                List.of("--cpuset-cpus", "0-63"), "Requested CPUs are not available",
                List.of("--memory-swap", "128m"), "You should always set the Memory limit when using Memoryswap limit",
                List.of("--add-host", "gw:host-gateway"), "tally has no host gateway",
                List.of("--group-add", "nosuchgroup"), "Unable to find group nosuchgroup",
                List.of("--dns-option", "ndots:2 rotate"), "invalid --dns-option",
                List.of("--cgroupns", "other"), "invalid");
        refused.forEach((flags, message) -> {
            List<String> args = new java.util.ArrayList<>(List.of("run", "--rm"));
            args.addAll(flags);
            args.addAll(List.of("busybox", "true"));
            Daemon.Result r = daemon.docker(args.toArray(String[]::new));
            assertEquals(125, r.code(), flags + ": " + r.err());
            assertTrue(r.err().contains(message), flags + ": " + r.err());
        });
        Daemon.Result newline = Daemon.exec(List.of("curl", "-s", "-w", "%{http_code}", "--unix-socket",
                daemon.socket.toString(), "-H", "Content-Type: application/json", "-d",
                "{\"Image\":\"busybox\",\"HostConfig\":{\"Dns\":[\"9.9.9.9\\nnameserver 6.6.6.6\"]}}",
                "http://d/v1.50/containers/create"), Map.of());
        assertTrue(newline.out().endsWith("400"), newline.out());
        assertEquals("", daemon.docker("ps", "-aq").out(), "nothing was left behind");
    }
}
