package dev.tally.ops;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tally.domain.container.ContainerOption;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * Every root-equivalent row of the option table, sent through the real socket by a real non-admin
 * (alice) as a JSON create body and, where it has a flag, through the docker CLI: a 403 and an
 * AccessDenied in {@code tally audit log --denied}. The same body from an admin (carol, tally-admin)
 * is created, or refused with a 400 naming the field, as the table says.
 */
class ContainerOptionsPolicyIT {

    @BusyboxDaemon(beforeStart = UsersAndPolicy.class)
    private static Daemon daemon;

    /** alice (tally) and carol (tally-admin), and a policy that lets users bind below shared/ only. */
    static final class UsersAndPolicy implements BusyboxDaemon.BeforeStart {
        @Override
        public void prepare(Daemon unstarted) throws Exception {
            HostUsers.group("tally");
            HostUsers.group("tally-admin");
            HostUsers.user("alice", "tally");
            HostUsers.user("carol", "tally,tally-admin");
            Daemon.exec(List.of("chmod", "0755", unstarted.root.toString()), Map.of());
            Path shared = Files.createDirectories(unstarted.root.resolve("shared"));
            Path policy = Files.writeString(unstarted.root.resolve("policy.json"),
                    "{\"allowedBindPaths\": [\"" + shared + "\"]}");
            unstarted.withArgs("--policy", policy.toString());
        }
    }

    /** A HostConfig that asks for the row, for each row a non-admin is denied. */
    private static final Map<ContainerOption, String> HOST_CONFIG = Map.ofEntries(
            Map.entry(ContainerOption.BINDS_HOST, "{\"Binds\":[\"/etc:/host-etc:ro\"]}"),
            Map.entry(ContainerOption.NETWORK_MODE_HOST, "{\"NetworkMode\":\"host\"}"),
            Map.entry(ContainerOption.PRIVILEGED, "{\"Privileged\":true}"),
            Map.entry(ContainerOption.CAP_ADD, "{\"CapAdd\":[\"SYS_ADMIN\"]}"),
            Map.entry(ContainerOption.DEVICES, "{\"Devices\":[{\"PathOnHost\":\"/dev/null\",\"PathInContainer\":"
                    + "\"/dev/null\",\"CgroupPermissions\":\"rwm\"}]}"),
            Map.entry(ContainerOption.SECURITY_OPT, "{\"SecurityOpt\":[\"no-new-privileges\"]}"),
            Map.entry(ContainerOption.PID_MODE_HOST, "{\"PidMode\":\"host\"}"),
            Map.entry(ContainerOption.IPC_MODE_HOST, "{\"IpcMode\":\"host\"}"),
            Map.entry(ContainerOption.RUNTIME_OTHER, "{\"Runtime\":\"crun\"}"),
            Map.entry(ContainerOption.MOUNTS_HOST, "{\"Mounts\":[{\"Type\":\"bind\",\"Source\":\"/\",\"Target\":\"/host\"}]}"),
            Map.entry(ContainerOption.UTS_MODE_HOST, "{\"UTSMode\":\"host\"}"),
            Map.entry(ContainerOption.USERNS_MODE_HOST, "{\"UsernsMode\":\"host\"}"),
            Map.entry(ContainerOption.SYSCTLS, "{\"Sysctls\":{\"net.ipv4.ip_forward\":\"1\"}}"),
            Map.entry(ContainerOption.CGROUP_PARENT, "{\"CgroupParent\":\"/\"}"),
            Map.entry(ContainerOption.LINKS, "{\"Links\":[\"/other:/me/other\"]}"),
            Map.entry(ContainerOption.VOLUMES_FROM, "{\"VolumesFrom\":[\"other\"]}"),
            Map.entry(ContainerOption.DEVICE_CGROUP_RULES, "{\"DeviceCgroupRules\":[\"c 1:3 rwm\"]}"),
            Map.entry(ContainerOption.MASKED_PATHS, "{\"MaskedPaths\":[]}"),
            Map.entry(ContainerOption.READONLY_PATHS, "{\"ReadonlyPaths\":[]}"),
            Map.entry(ContainerOption.DEVICE_REQUESTS, "{\"DeviceRequests\":[{\"Count\":-1,\"Capabilities\":[[\"gpu\"]]}]}"));

    /** The same rows as docker CLI flags, where the CLI has one. */
    private static final Map<ContainerOption, List<String>> FLAGS = Map.ofEntries(
            Map.entry(ContainerOption.IPC_MODE_HOST, List.of("--ipc", "host")),
            Map.entry(ContainerOption.RUNTIME_OTHER, List.of("--runtime", "crun")),
            Map.entry(ContainerOption.MOUNTS_HOST, List.of("--mount", "type=bind,source=/etc,target=/host-etc,readonly")),
            Map.entry(ContainerOption.UTS_MODE_HOST, List.of("--uts", "host")),
            Map.entry(ContainerOption.USERNS_MODE_HOST, List.of("--userns", "host")),
            Map.entry(ContainerOption.SYSCTLS, List.of("--sysctl", "net.ipv4.ip_forward=1")),
            Map.entry(ContainerOption.CGROUP_PARENT, List.of("--cgroup-parent", "/")),
            Map.entry(ContainerOption.LINKS, List.of("--link", "other")),
            Map.entry(ContainerOption.VOLUMES_FROM, List.of("--volumes-from", "other")),
            Map.entry(ContainerOption.MASKED_PATHS, List.of("--security-opt", "systempaths=unconfined")),
            Map.entry(ContainerOption.DEVICE_REQUESTS, List.of("--gpus", "all")));

    /**
     * A user's {@code --mount} bind is judged as her {@code -v} is, by its real path: below the
     * policy's bind paths it is applied; a way out of them through {@code ..} is denied and recorded.
     */
    @Test
    void aUsersMountBindIsAppliedBelowTheBindPathsAndDeniedOutside() throws Exception {
        Path shared = daemon.root.resolve("shared");
        Files.writeString(shared.resolve("note"), "shared\n");
        Daemon.exec(List.of("chmod", "0644", shared.resolve("note").toString()), Map.of());
        Map<String, String> env = Map.of("DOCKER_HOST", "unix://" + daemon.socket);
        Daemon.Result inside = HostUsers.as("alice", env, List.of("docker", "run", "--rm", "--mount",
                "type=bind,src=" + shared + ",dst=/s,readonly", "busybox", "cat", "/s/note"));
        assertEquals("shared\n", inside.out(), inside.err());
        Daemon.Result outside = HostUsers.as("alice", env, List.of("docker", "run", "--rm", "--name", "mount-out", "--mount",
                "type=bind,src=" + shared + "/..,dst=/s", "busybox", "true"));
        assertEquals(125, outside.code(), outside.err());
        assertTrue(outside.err().contains("authorization denied: --mount binding host path " + shared + "/.. (really "
                + daemon.root + ") is for tally admins only"), outside.err());
        assertTrue(deniedTo("alice").contains("mount-out"), "the denial is on the record");
    }

    private record Answer(int status, String body) {
    }

    private static Answer create(String user, String name, String hostConfig) {
        Daemon.Result r = HostUsers.as(user, Map.of(), List.of("curl", "-s", "-w", "\n%{http_code}", "--unix-socket",
                daemon.socket.toString(), "-H", "Content-Type: application/json", "-d",
                "{\"Image\":\"busybox\",\"Cmd\":[\"true\"],\"HostConfig\":" + hostConfig + "}",
                "http://d/v1.50/containers/create?name=" + name));
        assertEquals(0, r.code(), r.err());
        int cut = r.out().lastIndexOf('\n');
        return new Answer(Integer.parseInt(r.out().substring(cut + 1).strip()), r.out().substring(0, cut));
    }

    private static String deniedTo(String user) {
        Daemon.Result log = daemon.tally("audit", "log", "--denied", "--user", user, "--format", "json");
        assertEquals(0, log.code(), log.err());
        return log.out();
    }

    @Test
    void everyRootEquivalentRowOfTheTableHasItsCaseHere() {
        Set<ContainerOption> denied = Arrays.stream(ContainerOption.values())
                .filter(o -> o.decisionFor(false) == ContainerOption.Decision.DENIED).collect(Collectors.toSet());
        assertEquals(denied, HOST_CONFIG.keySet());
    }

    @Test
    void aUserIsDeniedEveryRootEquivalentFieldWithARecordAndAnAdminGetsWhatTheTableSays() {
        for (Map.Entry<ContainerOption, String> row : HOST_CONFIG.entrySet()) {
            ContainerOption option = row.getKey();
            String name = "opt-" + option.name().toLowerCase().replace('_', '-');
            Answer user = create("alice", name, row.getValue());
            assertEquals(403, user.status(), option + ": " + user.body());
            assertTrue(user.body().contains("authorization denied: "), option + ": " + user.body());
            String denials = deniedTo("alice");
            assertTrue(denials.contains("container/" + name) || denials.contains("\"" + name + "\""),
                    option + " left no AccessDenied: " + denials);

            Answer admin = create("carol", name, row.getValue());
            if (option.decisionFor(true) == ContainerOption.Decision.APPLIED) {
                assertEquals(201, admin.status(), option + ": " + admin.body());
                assertEquals(0, daemon.docker("rm", "-f", name).code());
            } else {
                assertEquals(400, admin.status(), option + ": " + admin.body());
                assertTrue(admin.body().contains(" not supported: " + option.field()),
                        option + ": " + admin.body());
            }
        }
        assertEquals("", deniedTo("carol"), "an admin is never denied an option");
        assertEquals("", daemon.docker("ps", "-aq").out(), "nothing is left of a refused container");
    }

    @Test
    void theDockerCliFlagsOfTheseFieldsAreDeniedToUsersAndAppliedOrNamedToAdmins() {
        for (Map.Entry<ContainerOption, List<String>> flag : FLAGS.entrySet()) {
            String name = "cli-" + flag.getKey().name().toLowerCase().replace('_', '-');
            List<String> args = new ArrayList<>(List.of("docker", "run", "--rm", "--name", name));
            args.addAll(flag.getValue());
            args.addAll(List.of("busybox", "true"));
            Daemon.Result user = HostUsers.as("alice", Map.of("DOCKER_HOST", "unix://" + daemon.socket), args);
            assertEquals(125, user.code(), flag + ": " + user.out() + user.err());
            assertTrue(user.err().contains("authorization denied: "), flag + ": " + user.err());
            assertTrue(deniedTo("alice").contains(name), flag + " left no AccessDenied");
            Daemon.Result admin = HostUsers.as("carol", Map.of("DOCKER_HOST", "unix://" + daemon.socket), args);
            if (flag.getKey().decisionFor(true) == ContainerOption.Decision.APPLIED) {
                assertEquals(0, admin.code(), flag + ": " + admin.out() + admin.err());
                continue;
            }
            assertEquals(125, admin.code(), flag + ": " + admin.out() + admin.err());
            assertTrue(admin.err().contains(" not supported: " + flag.getKey().field()),
                    flag + ": " + admin.err());
        }
    }
}
