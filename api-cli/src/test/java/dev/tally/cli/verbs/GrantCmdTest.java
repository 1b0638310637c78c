package dev.tally.cli.verbs;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.jr.ob.JSON;
import dev.tally.cli.CliRun;
import dev.tally.cli.http.FakeDaemon;
import dev.tally.cli.http.FakeDaemonExtension;
import java.io.IOException;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(FakeDaemonExtension.class)
class GrantCmdTest {

    /** Started before each test, closed and checked for handler failures after it. */
    private FakeDaemon daemon;

    @Test
    void grantPostsTheUserAndRevokeDeletesTheGrant() throws IOException {
        daemon.on("POST", "/tally/v1/containers/web/grants",
                exchange -> exchange.respondJson(201, "{\"Id\":\"abc\",\"User\":\"bob\"}"));
        daemon.on("DELETE", "/tally/v1/containers/web/grants/bob",
                exchange -> exchange.respondJson(200, "{\"Id\":\"abc\",\"User\":\"bob\"}"));

        CliRun grant = CliRun.run(daemon.address(), "grant", "web", "bob");
        CliRun revoke = CliRun.run(daemon.address(), "revoke", "web", "bob");

        assertEquals(0, grant.exitCode(), grant.stderr());
        assertEquals("web\n", grant.stdout());
        assertEquals(Map.of("user", "bob"), JSON.std.mapFrom(daemon.requests().get(0).bodyText()));
        assertEquals(0, revoke.exitCode(), revoke.stderr());
        assertEquals("web\n", revoke.stdout());
    }

    @Test
    void aRefusalIsOneLineAndExitCodeOne() {
        daemon.on("POST", "/tally/v1/containers/web/grants", exchange -> exchange.respondJson(403,
                "{\"message\":\"authorization denied: tally grant is for tally admins only\"}"));

        CliRun grant = CliRun.run(daemon.address(), "grant", "web", "bob");

        assertEquals(1, grant.exitCode());
        assertEquals("tally: grant: authorization denied: tally grant is for tally admins only\n", grant.stderr());
    }

    @Test
    void hostAccessFlagsReachTheCreateBodyAsDockerSendsThem() throws IOException {
        daemon.on("POST", "/containers/create",
                exchange -> exchange.respondJson(201, "{\"Id\":\"" + "ab".repeat(32) + "\",\"Warnings\":[]}"));

        CliRun create = CliRun.run(daemon.address(), "create", "--privileged", "--cap-add", "NET_ADMIN",
                "--device", "/dev/fuse", "--device", "/dev/sda:/dev/xvda:r", "--security-opt", "seccomp=unconfined",
                "--pid", "host", "--network", "host", "busybox");

        assertEquals(0, create.exitCode(), create.stderr());
        Map<String, Object> host = (Map<String, Object>) JSON.std.mapFrom(daemon.requests().get(0).bodyText())
                .get("HostConfig");
        assertEquals(true, host.get("Privileged"));
        assertEquals(List.of("NET_ADMIN"), host.get("CapAdd"));
        assertEquals(List.of(
                Map.of("PathOnHost", "/dev/fuse", "PathInContainer", "/dev/fuse", "CgroupPermissions", "rwm"),
                Map.of("PathOnHost", "/dev/sda", "PathInContainer", "/dev/xvda", "CgroupPermissions", "r")),
                host.get("Devices"));
        assertEquals(List.of("seccomp=unconfined"), host.get("SecurityOpt"));
        assertEquals("host", host.get("PidMode"));
        assertEquals("host", host.get("NetworkMode"));
    }

    @Test
    void aMalformedDeviceIsRefusedBeforeAnythingIsSent() {
        CliRun create = CliRun.run(daemon.address(), "create", "--device", "sda", "busybox");

        assertEquals(125, create.exitCode());
        assertEquals(List.of(), daemon.requests());
    }
}
