package dev.tally.rest.body;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.tally.domain.DomainException;
import dev.tally.domain.access.AccessPolicy;
import dev.tally.domain.access.HostLookup;
import dev.tally.domain.container.AskedOption;
import dev.tally.domain.container.ContainerConfig;
import dev.tally.domain.container.ContainerOptionPolicy;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;

class AskedOptionsTest {

    /** A HostConfig with the docker CLI's defaults (EngineIT runs the real CLI, whose plain runs must pass). */
    private static final String PLAIN_RUN = "{\"AutoRemove\":true,\"Binds\":null,\"BlkioDeviceReadBps\":null,"
            + "\"CapAdd\":null,\"CapDrop\":null,\"CgroupParent\":\"\",\"CgroupnsMode\":\"\",\"ConsoleSize\":[0,0],"
            + "\"ContainerIDFile\":\"\",\"Devices\":[],\"Dns\":[],\"DnsOptions\":[],\"DnsSearch\":[],\"ExtraHosts\":null,"
            + "\"IpcMode\":\"\",\"Isolation\":\"\",\"Links\":null,\"LogConfig\":{\"Config\":{},\"Type\":\"\"},"
            + "\"Memory\":0,\"Mounts\":null,\"NanoCpus\":0,\"NetworkMode\":\"default\",\"OomKillDisable\":null,"
            + "\"PidMode\":\"\",\"PidsLimit\":null,\"PortBindings\":{},\"Privileged\":false,\"PublishAllPorts\":false,"
            + "\"ReadonlyRootfs\":false,\"RestartPolicy\":{\"MaximumRetryCount\":0,\"Name\":\"no\"},\"Runtime\":\"\","
            + "\"SecurityOpt\":null,\"ShmSize\":0,\"Sysctls\":null,\"Tmpfs\":null,\"UTSMode\":\"\",\"Ulimits\":[],"
            + "\"UsernsMode\":\"\",\"VolumeDriver\":\"\",\"VolumesFrom\":null}";

    private static final ContainerConfig PLAIN_CONFIG = new ContainerConfig("busybox", null, null, null, null, null, null,
            null, false, false, null, null, null, false, null);
    private static final AccessPolicy POLICY = new AccessPolicy(null, null, List.of());
    static final HostLookup HOST = new HostLookup() {
        @Override
        public OptionalInt uidOf(String user) {
            return OptionalInt.empty();
        }

        @Override
        public String realPath(String path) {
            return path;
        }
    };

    @Test
    void aPlainRunIsAccepted() {
        assertEquals(List.of(), AskedOptions.of(host(new JsonObject(PLAIN_RUN))));
        assertEquals(List.of(), AskedOptions.of(host(new JsonObject())));
        assertEquals(List.of(), AskedOptions.of(host(new JsonObject(PLAIN_RUN).put("IpcMode", "private")
                .put("Runtime", "runc").put("PortBindings", new JsonObject().put("80/tcp", new io.vertx.core.json.JsonArray())))));
    }

    @Test
    void eachOptionNotAppliedYetIsRefusedByName() {
        Map<String, Object> asked = Map.ofEntries(
                Map.entry("OomKillDisable", true),
                Map.entry("Mounts", new io.vertx.core.json.JsonArray().add(new JsonObject().put("Type", "npipe").put("Target", "/data"))),
                Map.entry("PortBindings", new JsonObject().put("80/tcp", new io.vertx.core.json.JsonArray()
                        .add(new JsonObject().put("HostPort", "8080")))),
                Map.entry("UsernsMode", "host"),
                Map.entry("Sysctls", new JsonObject().put("net.ipv4.ip_forward", "1")),
                Map.entry("IpcMode", "host"),
                Map.entry("Runtime", "crun"),
                Map.entry("RestartPolicy", new JsonObject().put("Name", "always")));
        for (Map.Entry<String, Object> option : asked.entrySet()) {
            JsonObject host = new JsonObject(PLAIN_RUN).put(option.getKey(), option.getValue());
            List<AskedOption> read = AskedOptions.of(host(host));
            assertEquals(1, read.size(), option.getKey());
            assertEquals("HostConfig." + option.getKey(), read.get(0).option().field());
            DomainException refused = ContainerOptionPolicy.firstRefusal(PLAIN_CONFIG, read, true, POLICY, HOST)
                    .orElseThrow().answer();
            assertEquals(DomainException.Kind.INVALID, refused.kind());
            assertEquals(true, refused.getMessage().endsWith(" is not supported: HostConfig." + option.getKey()),
                    refused.getMessage());
        }
    }

    private static HostConfigBody host(JsonObject json) {
        return Bodies.read(json.encode().getBytes(java.nio.charset.StandardCharsets.UTF_8), HostConfigBody.class);
    }
}
