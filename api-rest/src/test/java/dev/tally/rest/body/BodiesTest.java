package dev.tally.rest.body;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tally.domain.DomainException;
import dev.tally.domain.container.ContainerConfig;
import dev.tally.domain.container.ExecSpec;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Bodies as the real clients send them, recorded from the docker CLI 28 and docker-py, and docker-java's all-nulls. */
class BodiesTest {

    /** What {@code docker create busybox echo hi} asks for, whoever the client. */
    private static final ContainerConfig PLAIN = new ContainerConfig("busybox", List.of(), List.of("echo", "hi"), List.of(),
            "", "", "", Map.of(), false, false, List.of(), ContainerConfig.Limits.NONE, "default", false,
            ContainerConfig.HostAccess.NONE, ContainerConfig.Hardening.NONE, Map.of());

    @Test
    void theDockerCliCreateBodyIsReadAsAsked() {
        assertEquals(PLAIN, create(resource("docker-cli-28-create.json")).config());
        ContainerConfig options = create(resource("docker-cli-28-create-options.json")).config();
        assertEquals(new ContainerConfig("busybox", List.of(), List.of("sh", "-c", "echo hi"), List.of("A=B"), "/tmp", "",
                "", Map.of("k", "v"), false, false, List.of(new ContainerConfig.Mount("/tmp", "/data", true)),
                new ContainerConfig.Limits(64 * 1024 * 1024, 0, 0), "default", false, ContainerConfig.HostAccess.NONE,
                new ContainerConfig.Hardening(true, List.of("ALL")), Map.of("/run", "size=1m")), options);
    }

    @Test
    void theDockerPyCreateBodyIsReadAsAsked() {
        assertEquals(PLAIN, create(resource("docker-py-create.json")).config());
    }

    @Test
    void dockerJavasNullsAreTheZeroValues() {
        ContainerConfig config = create(resource("docker-java-create.json")).config();
        assertEquals(Map.of("org.testcontainers", "true", "org.testcontainers.lang", "java"), config.labels());
        assertEquals(PLAIN, withoutLabels(config));
    }

    @Test
    void anExplicitNullAnAbsentFieldAndTheZeroValueMeanTheSame() {
        String[] same = {
            "{\"Image\":\"busybox\",\"Cmd\":[\"echo\",\"hi\"]}",
            "{\"Image\":\"busybox\",\"Cmd\":[\"echo\",\"hi\"],\"Tty\":null,\"Env\":null,\"Labels\":null,\"HostConfig\":null}",
            "{\"Image\":\"busybox\",\"Cmd\":[\"echo\",\"hi\"],\"Tty\":false,\"Env\":[],\"Labels\":{},\"User\":\"\","
                    + "\"HostConfig\":{\"Privileged\":false,\"AutoRemove\":false,\"RestartPolicy\":{},\"IpcMode\":\"\","
                    + "\"Memory\":0,\"Binds\":[],\"Tmpfs\":{},\"Devices\":[]}}",
            "{\"Image\":\"busybox\",\"Cmd\":[\"echo\",\"hi\"],\"User\":null,\"HostConfig\":{\"Privileged\":null,"
                    + "\"AutoRemove\":null,\"ReadonlyRootfs\":null,\"RestartPolicy\":null,\"Runtime\":null,\"IpcMode\":null,"
                    + "\"Memory\":null,\"PidsLimit\":null,\"Binds\":null,\"Tmpfs\":null,\"Devices\":null,\"CapAdd\":null,"
                    + "\"PortBindings\":null,\"Ulimits\":null,\"Sysctls\":null,\"UTSMode\":null}}",
            "{\"Image\":\"busybox\",\"Cmd\":[\"echo\",\"hi\"],\"HostConfig\":{\"RestartPolicy\":{\"Name\":null,"
                    + "\"MaximumRetryCount\":null}}}",
        };
        for (String body : same) {
            assertEquals(PLAIN, create(body).config(), body);
        }
    }

    @Test
    void nullsInMapsAreEmptyStringsAndNullsInListsAreLeftOut() {
        ContainerConfig config = create("{\"Image\":\"busybox\",\"Env\":[\"A=1\",null],\"Labels\":{\"k\":null},"
                + "\"HostConfig\":{\"Tmpfs\":{\"/run\":null},\"PortBindings\":{\"80/tcp\":null}}}").config();
        assertEquals(List.of("A=1"), config.env());
        assertEquals(Map.of("k", ""), config.labels());
        assertEquals(Map.of("/run", ""), config.tmpfs());
    }

    @Test
    void devicesReadAsTheFlagWritesThem() {
        ContainerConfig config = create("{\"Image\":\"busybox\",\"HostConfig\":{\"Devices\":[{\"PathOnHost\":\"/dev/fuse\","
                + "\"PathInContainer\":\"\",\"CgroupPermissions\":\"\"},{\"PathOnHost\":\"/dev/a\",\"PathInContainer\":\"/dev/b\","
                + "\"CgroupPermissions\":\"r\"},{\"PathOnHost\":\"/dev/c\",\"PathInContainer\":null}]}}").config();
        assertEquals(List.of("/dev/fuse:/dev/fuse:rwm", "/dev/a:/dev/b:r", "/dev/c:/dev/c:rwm"), config.hostAccess().devices());
    }

    @Test
    void capabilitiesReadAsDockerdKeepsThemWhicheverCliSpelledThem() {
        // the docker CLI 20.10 sends --cap-drop as typed, the CLI 28 with the CAP_ prefix
        ContainerConfig config = create("{\"Image\":\"busybox\",\"HostConfig\":{\"CapAdd\":[\"net_admin\",\"CAP_SYS_TIME\"],"
                + "\"CapDrop\":[\"NET_RAW\",\"all\"]}}").config();
        assertEquals(List.of("CAP_NET_ADMIN", "CAP_SYS_TIME"), config.hostAccess().capAdd());
        assertEquals(List.of("CAP_NET_RAW", "ALL"), config.hardening().capDrop());
    }

    @Test
    void namesMatchWhateverTheirCaseAsInDockerd() {
        // docker-java writes NanoCPUs; Go's decoder, and so dockerd, matches it to NanoCpus
        assertEquals(500_000_000L, create("{\"Image\":\"b\",\"HostConfig\":{\"NanoCPUs\":500000000}}").config()
                .limits().nanoCpus());
        assertEquals(true, create("{\"image\":\"b\",\"hostconfig\":{\"readonlyrootfs\":true}}").config().hardening()
                .readOnlyRootfs());
    }

    @Test
    void aFieldNoRecordReadsIsRefusedByItsPathUnlessItIsZeroOrDockersDefault() {
        assertEquals(Optional.empty(), ClientCreateBodiesTest.refusal(bytes("{\"Image\":\"b\",\"StopSignal\":\"\","
                + "\"ExposedPorts\":{},\"Healthcheck\":{\"Test\":[\"NONE\"],\"Interval\":null,\"Retries\":0},\"NetworkDisabled\":true,\"HostConfig\":{"
                + "\"StorageOpt\":null,\"ConsoleSize\":[40,120],\"MemorySwappiness\":-1,\"Isolation\":\"default\","
                + "\"LogConfig\":{\"Type\":\"json-file\",\"Config\":{}},\"BlkioWeightDevice\":[],\"Whatever\":0}}")));
        Map<String, String> refused = Map.of(
                "{\"Image\":\"b\",\"Domainname\":\"example.org\"}", "Domainname",
                "{\"Image\":\"b\",\"ExposedPorts\":{\"80/tcp\":{}}}", "ExposedPorts",
                "{\"Image\":\"b\",\"HostConfig\":{\"StorageOpt\":{\"size\":\"1G\"}}}", "HostConfig.StorageOpt",
                "{\"Image\":\"b\",\"HostConfig\":{\"whatever\":[1]}}", "HostConfig.whatever",
                "{\"Image\":\"b\",\"HostConfig\":{\"LogConfig\":{\"Type\":\"json-file\",\"Config\":{\"max-size\":\"1m\"}}}}",
                "HostConfig.LogConfig",
                "{\"Image\":\"b\",\"HostConfig\":{\"MaskedPaths\":[]}}", "HostConfig.MaskedPaths",
                "{\"Image\":\"b\",\"NetworkingConfig\":{\"EndpointsConfig\":{\"other\":{}}}}",
                "NetworkingConfig.EndpointsConfig.other",
                "{\"Image\":\"b\",\"NetworkingConfig\":{\"EndpointsConfig\":{\"default\":{\"Aliases\":[\"a\"]}}}}",
                "NetworkingConfig.EndpointsConfig.default.Aliases");
        refused.forEach((body, field) -> assertEquals(Optional.of(field), ClientCreateBodiesTest.refusal(bytes(body))
                .map(m -> m.substring(m.lastIndexOf(": ") + 2)), body));
    }

    /** --stop-signal and --stop-timeout: a timeout of 0 is asked for, an absent or null one is not (10 s). */
    @Test
    void theStopSignalAndTimeoutAreReadAndAnAbsentTimeoutIsNone() {
        assertEquals(new ContainerConfig.Stop("SIGINT", 3),
                create("{\"Image\":\"b\",\"StopSignal\":\"SIGINT\",\"StopTimeout\":3}").config().stop());
        assertEquals(new ContainerConfig.Stop("", 0), create("{\"Image\":\"b\",\"StopTimeout\":0}").config().stop());
        assertEquals(ContainerConfig.Stop.DEFAULT, create("{\"Image\":\"b\",\"StopTimeout\":null}").config().stop());
        assertEquals(ContainerConfig.Stop.DEFAULT, create("{\"Image\":\"b\"}").config().stop());
        assertEquals(ContainerConfig.Stop.DEFAULT, create("{\"Image\":\"b\",\"StopSignal\":null}").config().stop());
    }

    @Test
    void dockerJavasNullBodyWithOneFieldSetIsAppliedOrRefusedByThatField() {
        String nulls = resource("docker-java-create.json");
        assertEquals(Optional.empty(), ClientCreateBodiesTest.refusal(bytes(nulls)));
        Map<String, String> set = Map.of(
                "\"Domainname\":null", "\"Domainname\":\"example.org\"",
                "\"StorageOpt\":null", "\"StorageOpt\":{\"size\":\"1G\"}",
                "\"OomScoreAdj\":null", "\"OomScoreAdj\":-500",
                "\"MacAddress\":null", "\"MacAddress\":\"02:42:ac:11:00:02\"");
        set.forEach((from, to) -> {
            String field = to.substring(1, to.indexOf('"', 1));
            Optional<String> answer = ClientCreateBodiesTest.refusal(bytes(nulls.replace(from, to)));
            assertTrue(answer.orElse("").endsWith(" not supported: " + (field.equals("Domainname") || field.equals("MacAddress")
                    ? field : "HostConfig." + field)), to + ": " + answer);
        });
        assertEquals(500_000_000L, create(nulls.replace("\"NanoCPUs\":null", "\"NanoCPUs\":500000000")).config().limits()
                .nanoCpus());
    }

    @Test
    void aValueThatWouldAddALineToResolvConfOrHostsOrIsNotAValueIsInvalid() {
        for (String host : new String[] {
            "{\"Dns\":[\"9.9.9.9\\nnameserver 6.6.6.6\"]}", "{\"Dns\":[\"dns.example\"]}",
            "{\"DnsSearch\":[\"a b\"]}", "{\"DnsOptions\":[\"ndots:2\\noptions rotate\"]}",
            "{\"ExtraHosts\":[\"db:10.0.0.1\\n6.6.6.6 evil\"]}", "{\"ExtraHosts\":[\"db\"]}",
            "{\"ExtraHosts\":[\"gw:host-gateway\"]}", "{\"GroupAdd\":[\"a b\"]}", "{\"CgroupnsMode\":\"other\"}",
            "{\"DeviceCgroupRules\":[\"c 1:3 rwx\"]}", "{\"MemorySwap\":134217728}",
            "{\"Memory\":134217728,\"MemorySwap\":67108864}", "{\"CpusetCpus\":\"0,\"}", "{\"CpuShares\":-2}",
            "{\"ShmSize\":-1}"}) {
            DomainException e = assertThrows(DomainException.class, () -> create("{\"Image\":\"b\",\"HostConfig\":" + host + "}")
                    .config(), host);
            assertEquals(DomainException.Kind.INVALID, e.kind(), host);
        }
        ContainerConfig.Setup ok = create("{\"Image\":\"b\",\"HostConfig\":{\"ExtraHosts\":[\"db=10.0.0.1\",\"v6:[fd00::1]\"],"
                + "\"Dns\":[\"fd00::53\"],\"DnsSearch\":[\".\"],\"Memory\":67108864,\"MemorySwap\":-1}}").config().setup();
        assertEquals(List.of("db:10.0.0.1", "v6:fd00::1"), ok.extraHosts());
    }

    @Test
    void anEmptyBodyOrABareNullIsAnEmptyObject() {
        assertEquals(Bodies.read("{}".getBytes(StandardCharsets.UTF_8), ExecCreateBody.class),
                Bodies.read(new byte[0], ExecCreateBody.class));
        assertEquals(Bodies.read("{}".getBytes(StandardCharsets.UTF_8), ExecCreateBody.class),
                Bodies.read("null".getBytes(StandardCharsets.UTF_8), ExecCreateBody.class));
    }

    @Test
    void malformedJsonIsInvalid() {
        for (String body : new String[] {"{", "{bad", "{\"Image\":\"busybox\"} trailing", "[1]", "\"busybox\"", "42"}) {
            DomainException e = assertThrows(DomainException.class, () -> create(body), body);
            assertEquals(DomainException.Kind.INVALID, e.kind(), body);
            assertTrue(e.getMessage().startsWith("invalid JSON"), e.getMessage());
        }
    }

    @Test
    void aValueOfTheWrongTypeIsInvalidAndNamesTheField() {
        Map<String, String> wrong = Map.of(
                "{\"Image\":\"busybox\",\"HostConfig\":{\"Memory\":\"64m\"}}", "invalid JSON: HostConfig.Memory: expected a number",
                "{\"Image\":\"busybox\",\"Tty\":\"true\"}", "invalid JSON: Tty: expected true or false",
                "{\"Image\":\"busybox\",\"Cmd\":\"echo hi\"}", "invalid JSON: Cmd: expected an array",
                "{\"Image\":[\"busybox\"]}", "invalid JSON: Image: expected a string",
                "{\"Image\":\"busybox\",\"Env\":[[]]}", "invalid JSON: Env[0]: expected a string",
                "{\"Image\":\"busybox\",\"HostConfig\":[]}", "invalid JSON: HostConfig: expected an object",
                "{\"Image\":\"busybox\",\"Labels\":{\"k\":{}}}", "invalid JSON: Labels.k: expected a string");
        wrong.forEach((body, message) -> {
            DomainException e = assertThrows(DomainException.class, () -> create(body), body);
            assertEquals(DomainException.Kind.INVALID, e.kind(), body);
            assertEquals(message, e.getMessage(), body);
        });
    }

    @Test
    void theCreateRulesStillHold() {
        assertEquals("config.Image: an image is required", invalid("{\"Image\":null}"));
        assertEquals("config.Image: an image is required", invalid("{\"Cmd\":[\"true\"]}"));
        assertEquals("HostConfig: Memory and NanoCpus must not be negative",
                invalid("{\"Image\":\"b\",\"HostConfig\":{\"NanoCpus\":-1}}"));
        assertEquals("Minimum memory limit allowed is 6MB", invalid("{\"Image\":\"b\",\"HostConfig\":{\"Memory\":1024}}"));
        assertEquals("invalid volume specification: '/tmp'", invalid("{\"Image\":\"b\",\"HostConfig\":{\"Binds\":[\"/tmp\"]}}"));
        assertEquals("invalid mode: rx", invalid("{\"Image\":\"b\",\"HostConfig\":{\"Binds\":[\"/tmp:/t:rx\"]}}"));
        // an option tally does not apply is now decided by the domain's option table, for every role
        ContainerCreateBody restart = create("{\"Image\":\"b\",\"HostConfig\":{\"RestartPolicy\":{\"Name\":\"always\"}}}");
        assertEquals("--restart always is not supported: HostConfig.RestartPolicy",
                dev.tally.domain.container.ContainerOptionPolicy.firstRefusal(restart.config(), restart.askedOptions(), true,
                        new dev.tally.domain.access.AccessPolicy(null, null, List.of()), AskedOptionsTest.HOST)
                        .orElseThrow().answer().getMessage());
        assertEquals(0, create("{\"Image\":\"b\",\"HostConfig\":{\"PidsLimit\":-1}}").config().limits().pidsLimit());
    }

    @Test
    void execBodiesFromTheDockerCliAndDockerJava() {
        ExecCreateBody cli = Bodies.read(bytes("{\"User\":\"\",\"Privileged\":false,\"Tty\":false,\"ConsoleSize\":[0,0],"
                + "\"AttachStdin\":false,\"AttachStderr\":true,\"AttachStdout\":true,\"Detach\":false,\"DetachKeys\":\"\","
                + "\"Env\":null,\"WorkingDir\":\"\",\"Cmd\":[\"echo\",\"hello\"]}"), ExecCreateBody.class);
        ExecCreateBody nulls = Bodies.read(bytes("{\"AttachStdin\":null,\"AttachStdout\":true,\"AttachStderr\":true,"
                + "\"Tty\":null,\"Env\":null,\"Privileged\":null,\"User\":null,\"WorkingDir\":null,\"ConsoleSize\":null,"
                + "\"Cmd\":[\"echo\",\"hello\"]}"), ExecCreateBody.class);
        ExecSpec spec = new ExecSpec(List.of("echo", "hello"), false, "", "", List.of());
        assertEquals(spec, cli.spec());
        assertEquals(spec, nulls.spec());
        ExecStartBody start = Bodies.read(bytes("{\"Detach\":null,\"Tty\":null,\"ConsoleSize\":null}"), ExecStartBody.class);
        assertEquals(new ExecStartBody(false, false, List.of()), start);
        assertEquals(false, start.sized());
        ExecStartBody sized = Bodies.read(bytes("{\"ConsoleSize\":[40,120],\"Detach\":false,\"Tty\":true}"), ExecStartBody.class);
        assertEquals(List.of(40, 120), List.of(sized.height(), sized.width()));
    }

    @Test
    void volumeAndGrantBodies() {
        assertEquals(new VolumeCreateBody("", "", Map.of()),
                Bodies.read(bytes("{\"Name\":null,\"Driver\":null,\"Labels\":null,\"DriverOpts\":null}"), VolumeCreateBody.class));
        assertEquals(new VolumeCreateBody("data", "local", Map.of("k", "v")), Bodies.read(bytes(
                "{\"Name\":\"data\",\"Driver\":\"local\",\"DriverOpts\":{},\"Labels\":{\"k\":\"v\"}}"), VolumeCreateBody.class));
        assertEquals(new GrantBody("bob"), Bodies.read(bytes("{\"user\":\"bob\"}"), GrantBody.class));
        assertEquals(new GrantBody(""), Bodies.read(bytes("{\"user\":null}"), GrantBody.class));
    }

    private static String invalid(String body) {
        DomainException e = assertThrows(DomainException.class, () -> create(body).config(), body);
        assertEquals(DomainException.Kind.INVALID, e.kind(), body);
        return e.getMessage();
    }

    private static ContainerConfig withoutLabels(ContainerConfig c) {
        return new ContainerConfig(c.image(), c.entrypoint(), c.cmd(), c.env(), c.workingDir(), c.user(), c.hostname(),
                Map.of(), c.tty(), c.openStdin(), c.mounts(), c.limits(), c.networkMode(), c.autoRemove(), c.hostAccess(),
                c.hardening(), c.tmpfs());
    }

    private static ContainerCreateBody create(String json) {
        return Bodies.read(bytes(json), ContainerCreateBody.class);
    }

    private static byte[] bytes(String json) {
        return json.getBytes(StandardCharsets.UTF_8);
    }

    private static String resource(String name) {
        try (InputStream in = BodiesTest.class.getResourceAsStream(name)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new AssertionError(name, e);
        }
    }
}
