package dev.tally.ops;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import dev.tally.runtime.registry.LocalRegistry;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Issue 13: {@code docker commit} against a real tallyd with real runc containers: the container's
 * upper directory becomes one layer (a deleted file a {@code .wh.} entry, a directory made anew an
 * opaque one, a link kept a link), the image runs with the config the container and {@code --change}
 * give it and shows the file, saves, and is recorded; as alice, bob and carol, the reference and
 * visibility rules hold for it.
 */
class CommitIT {

    @BusyboxDaemon(beforeStart = SharedHostUsers.Made.class)
    private static Daemon daemon;
    private static SharedHostUsers users;
    private static final ObjectMapper JSON = new ObjectMapper();

    @BeforeAll
    static void users() throws Exception {
        users = new SharedHostUsers(daemon);
    }

    private static Daemon.Result ok(Daemon.Result r, String what) {
        assertEquals(0, r.code(), what + ": " + r.out() + r.err());
        return r;
    }

    /** The entries of the top layer of a saved image: name → type flag and link target. */
    private static Map<String, String> topLayer(Path saved) throws Exception {
        Map<String, byte[]> files = new LinkedHashMap<>();
        try (InputStream in = Files.newInputStream(saved); TarArchiveInputStream tar = new TarArchiveInputStream(in)) {
            TarArchiveEntry e;
            while ((e = tar.getNextEntry()) != null) {
                if (e.isFile()) {
                    files.put(e.getName(), tar.readAllBytes());
                }
            }
        }
        JsonNode manifest = JSON.readTree(files.get("manifest.json"));
        JsonNode layers = manifest.path(0).path("Layers");
        byte[] top = files.get(layers.get(layers.size() - 1).asText());
        Map<String, String> out = new LinkedHashMap<>();
        try (TarArchiveInputStream tar = new TarArchiveInputStream(new java.io.ByteArrayInputStream(top))) {
            TarArchiveEntry e;
            while ((e = tar.getNextEntry()) != null) {
                out.put(e.getName(), e.isSymbolicLink() ? "link:" + e.getLinkName() : e.isDirectory() ? "dir"
                        : "file:" + e.getSize());
            }
        }
        return out;
    }

    @Test
    void aContainersChangesBecomeALayerAndTheImageRunsWithThemAndItsConfig() throws Exception {
        ok(daemon.docker("run", "--name", "maker", "-e", "FROM_RUN=1", "-w", "/srv", "busybox", "sh", "-c",
                "echo made here > /hello; rm /bin/true; rm -rf /home; mkdir -p /home/new; echo n > /home/new/f;"
                        + " ln -s /etc/shadow /leak; mkdir -p /srv"), "run");
        Daemon.Result commit = ok(daemon.docker("commit", "-m", "first", "-a", "tester", "--change", "CMD [\"cat\", \"/hello\"]",
                "--change", "ENV ADDED=yes", "maker", "made:1"), "commit");
        String id = commit.out().strip();
        assertTrue(id.startsWith("sha256:"), id);
        assertEquals("made here\n", ok(daemon.docker("run", "--rm", "made:1"), "run the image").out());
        Daemon.Result inside = ok(daemon.docker("run", "--rm", "made:1", "sh", "-c",
                "test -e /bin/true || echo gone; ls /home; readlink /leak; echo $FROM_RUN $ADDED; pwd"), "look inside");
        assertEquals("gone\nnew\n/etc/shadow\n1 yes\n/srv\n", inside.out());

        Path saved = daemon.root.resolve("made.tar");
        ok(daemon.docker("save", "-o", saved.toString(), "made:1"), "save");
        Map<String, String> layer = topLayer(saved);
        assertEquals("file:0", layer.get("bin/.wh.true"), layer.toString());
        assertEquals("file:0", layer.get("home/.wh..wh..opq"), layer.toString());
        assertEquals("link:/etc/shadow", layer.get("leak"), "a link is kept as a link, never followed: " + layer);
        assertEquals("file:10", layer.get("hello"), layer.toString());
        Daemon.Result skopeo = Daemon.exec(List.of("skopeo", "inspect", "docker-archive:" + saved), Map.of());
        assertEquals(0, skopeo.code(), skopeo.err());

        Daemon.Result history = ok(daemon.docker("history", "--no-trunc", "--format", "{{.CreatedBy}}|{{.Comment}}",
                "made:1"), "history");
        assertTrue(history.out().lines().findFirst().orElse("").endsWith("|first"), history.out());
        Daemon.Result config = ok(daemon.docker("image", "inspect", "-f", "{{json .Config.Cmd}} {{.Author}}", "made:1"),
                "inspect");
        assertEquals("[\"cat\",\"/hello\"] tester", config.out().strip());
        Daemon.Result audit = ok(daemon.tally("audit", "log", "--action", "image.commit", "--format", "json"), "audit");
        assertTrue(audit.out().contains(id) && audit.out().contains("\"layer\":\"sha256:"), audit.out());
        Daemon.Result events = daemon.docker("events", "--since", "0", "--until", "0s", "--filter", "event=commit",
                "--format", "{{.Type}} {{.Action}} {{.Actor.Attributes.imageID}}");
        assertTrue(events.out().contains("container commit " + id), events.out());
    }

    private static final String SDK = """
            import docker, sys
            c = docker.DockerClient(base_url="unix://" + sys.argv[1])
            ct = c.containers.run("busybox", ["sh", "-c", "echo py > /py"], detach=True, name="pymaker")
            ct.wait()
            img = ct.commit(repository="py/made", tag="1", message="by sdk", author="sdk",
                            changes=["ENV PY=1", "LABEL made=sdk", "WORKDIR /tmp"])
            a = c.images.get("py/made:1").attrs
            print("config", a["Config"]["Env"][-1], a["Config"]["Labels"], a["Config"]["WorkingDir"], a["Author"], a["Comment"])
            h = c.images.get("py/made:1").history()
            print("history", len(h), h[0]["Comment"], h[0]["Size"] > 0, h[0]["Id"] == img.id, h[1]["Id"])
            print("run", c.containers.run("py/made:1", ["sh", "-c", "cat /py; echo $PY; pwd"], remove=True))
            """;

    @Test
    void thePythonSdkAndTheDockerCli2010CommitAndReadTheConfigAndHistory() throws Exception {
        Path script = Files.writeString(daemon.root.resolve("commit.py"), SDK);
        Daemon.Result r = Daemon.exec(List.of("/usr/bin/python3", script.toString(), daemon.socket.toString()), Map.of());
        assertEquals(0, r.code(), r.out() + r.err());
        assertEquals(String.join("\n",
                "config PY=1 {'made': 'sdk'} /tmp sdk by sdk",
                "history 2 by sdk True True <missing>",
                "run b'py\\n1\\n/tmp\\n'") + "\n", r.out(), r.err());

        Path docker20 = Path.of("/tmp/docker20/x/usr/bin/docker");
        if (!Files.isExecutable(docker20)) {
            System.out.println("CommitIT: no docker 20.10 CLI at " + docker20 + "; that case is not run here");
            return;
        }
        Map<String, String> env = Map.of("DOCKER_HOST", "unix://" + daemon.socket);
        ok(Daemon.exec(List.of(docker20.toString(), "run", "--name", "maker20", "busybox", "touch", "/twenty"), env), "run");
        ok(Daemon.exec(List.of(docker20.toString(), "commit", "-c", "CMD [\"ls\", \"/twenty\"]", "maker20", "twenty:1"),
                env), "commit with 20.10");
        assertEquals("/twenty\n", ok(Daemon.exec(List.of(docker20.toString(), "run", "--rm", "twenty:1"), env), "run it")
                .out());
        Daemon.Result history = ok(Daemon.exec(List.of(docker20.toString(), "history", "--format", "{{.Size}}",
                "twenty:1"), env), "history with 20.10");
        assertEquals(2, history.out().lines().count(), history.out());
        Daemon.Result refused = Daemon.exec(List.of(docker20.toString(), "commit", "-c", "HEALTHCHECK NONE", "maker20"),
                env);
        assertNotEquals(0, refused.code());
        assertTrue(refused.err().contains("HEALTHCHECK"), refused.err());
    }

    @Test
    void aCommittedImagePushesWithItsLayerAsMadeAndPullsBackElsewhere() throws Exception {
        try (LocalRegistry registry = LocalRegistry.plain()) {
            ok(daemon.docker("run", "--name", "pushed", "busybox", "sh", "-c", "echo pushed > /p"), "run");
            String name = registry.host() + "/team/committed:1";
            String id = ok(daemon.docker("commit", "pushed", name), "commit").out().strip();
            ok(daemon.docker("push", name), "push");
            JsonNode manifest = JSON.readTree(registry.inspect("team/committed:1", null));
            assertEquals(id, manifest.path("config").path("digest").asText(), manifest.toString());
            assertEquals(2, manifest.path("layers").size(), manifest.toString());
            Daemon.Result audit = ok(daemon.tally("audit", "log", "--action", "image.commit", "--format", "json"), "audit");
            String layer = manifest.path("layers").get(1).path("digest").asText();
            assertTrue(audit.out().contains(layer), "the pushed layer is the one the commit made and recorded: "
                    + audit.out());
            ok(daemon.docker("rmi", name), "rmi");
            ok(daemon.docker("pull", name), "pull back");
            assertEquals("pushed\n", ok(daemon.docker("run", "--rm", name, "cat", "/p"), "run").out());
        }
    }

    @Test
    void aChangeTallyDoesNotApplyIsRefusedByNameAndNothingIsMade() {
        ok(daemon.docker("create", "--name", "unchanged", "busybox", "true"), "create");
        Daemon.Result refused = daemon.docker("commit", "--change", "HEALTHCHECK NONE", "unchanged", "exposed:1");
        assertNotEquals(0, refused.code());
        assertTrue(refused.err().contains("HEALTHCHECK"), refused.err());
        assertNotEquals(0, daemon.docker("image", "inspect", "exposed:1").code());
        Daemon.Result byTally = ok(daemon.tally("commit", "unchanged", "unchanged:1"), "tally commit");
        assertTrue(byTally.out().strip().startsWith("sha256:"), byTally.out());
        assertEquals(0, daemon.docker("run", "--rm", "unchanged:1", "true").code());
    }

    @Test
    void usersCommitOnlyTheirContainersUnderTheirOwnNamesAndTheImageIsTheirs() {
        ok(users.docker("alice", "run", "--name", "alices", "busybox", "sh", "-c", "echo alice > /mine"), "alice runs");
        Daemon.Result bobs = users.docker("bob", "commit", "alices", "bob/stolen:1");
        Daemon.Result missing = users.docker("bob", "commit", "nobody-has-this", "bob/stolen:1");
        assertNotEquals(0, bobs.code());
        assertEquals(missing.err().replace("nobody-has-this", "alices"), bobs.err());
        Daemon.Result over = users.docker("alice", "commit", "alices", "busybox:latest");
        assertNotEquals(0, over.code(), over.out());
        assertTrue(over.err().contains("authorization denied"), over.err());
        assertEquals("", users.docker("carol", "run", "--rm", "busybox", "sh", "-c", "cat /mine 2>/dev/null").out(),
                "busybox is still busybox");

        String id = ok(users.docker("alice", "commit", "alices", "alice/snap:1"), "alice commits").out().strip();
        assertEquals("alice\n", ok(users.docker("alice", "run", "--rm", "alice/snap:1", "cat", "/mine"), "runs").out());
        assertNotEquals(0, users.docker("bob", "image", "inspect", "alice/snap:1").code(), "alice's image is hers");
        assertEquals(id, ok(users.docker("carol", "image", "inspect", "-f", "{{.Id}}", "alice/snap:1"), "admin").out()
                .strip());
        Daemon.Result denied = daemon.tally("audit", "log", "--denied", "--format", "json");
        assertTrue(denied.out().lines().anyMatch(l -> l.contains("\"action\":\"container.commit\"")
                && l.contains("\"username\":\"bob\"")), denied.out());
        assertTrue(denied.out().lines().anyMatch(l -> l.contains("\"action\":\"image.commit\"")
                && l.contains("\"username\":\"alice\"") && l.contains("\"code\":403,")), denied.out());
        assertFalse(users.docker("bob", "images").out().contains("alice/snap"));
    }

    /** The actions /events holds for a container, oldest first. */
    private static List<String> actions(String container) {
        return ok(daemon.docker("events", "--since", "0", "--until", "0s", "--filter", "container=" + container,
                "--format", "{{.Action}}"), "events").out().lines().filter(a -> !a.startsWith("exec_")).toList();
    }

    private static String catInside(String container, String file) {
        return ok(daemon.docker("exec", container, "cat", file), "cat " + file).out().strip();
    }

    @Test
    void aRunningContainerIsFrozenWhileItsFilesAreReadAndRunsAgainAfter() throws Exception {
        // the loop writes /a then /z, each whole (by a rename); /m, read between them, makes the read long:
        // unfrozen, /z runs far ahead of /a
        ok(daemon.docker("run", "-d", "--name", "writer", "busybox", "sh", "-c", "dd if=/dev/zero of=/m bs=1M count=96 "
                + "2>/dev/null; i=0; while :; do i=$((i+1)); echo $i > /a.t; mv /a.t /a; echo $i > /z.t; mv /z.t /z; done"),
                "run the writer");
        org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(60)).until(() ->
                daemon.docker("exec", "writer", "cat", "/z").code() == 0);
        String id = ok(daemon.docker("commit", "writer", "frozen:1"), "commit").out().strip();
        String[] az = ok(daemon.docker("run", "--rm", "frozen:1", "cat", "/a", "/z"), "read the layer").out().split("\n");
        long a = Long.parseLong(az[0].strip());
        long z = Long.parseLong(az[1].strip());
        assertTrue(a == z || a == z + 1, "the layer holds one moment of the loop: /a " + a + ", /z " + z);
        assertEquals(List.of("create", "start", "pause", "unpause", "commit"), actions("writer"),
                "frozen for the read only: thawed before the layer is compressed and the image recorded");
        assertEquals("false", ok(daemon.docker("inspect", "-f", "{{.State.Paused}}", "writer"), "inspect").out().strip());
        String before = catInside("writer", "/a");
        org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(30)).until(() ->
                !catInside("writer", "/a").equals(before));
        for (String action : List.of("container.pause", "container.unpause")) {
            Daemon.Result audit = ok(daemon.tally("audit", "log", "--action", action, "--format", "json"), "audit");
            assertEquals(1, audit.out().lines().count(), "the committer's " + action + ": " + audit.out());
        }
        assertTrue(id.startsWith("sha256:"), id);

        ok(daemon.docker("commit", "--pause=false", "writer", "unfrozen:1"), "commit without a pause");
        ok(daemon.docker("pause", "writer"), "pause");
        ok(daemon.docker("commit", "writer", "paused:1"), "commit a paused container");
        assertEquals("true", ok(daemon.docker("inspect", "-f", "{{.State.Paused}}", "writer"), "inspect").out().strip(),
                "a container paused before the commit stays paused");
        ok(daemon.docker("unpause", "writer"), "unpause");
        assertEquals(List.of("create", "start", "pause", "unpause", "commit", "commit", "pause", "commit", "unpause"),
                actions("writer"));
        ok(daemon.docker("rm", "-f", "writer"), "rm");
    }

    private static final String SDK_CONF = """
            import docker, sys
            c = docker.DockerClient(base_url="unix://" + sys.argv[1])
            ct = c.containers.run("busybox", ["sh", "-c", "echo conf > /conf"], detach=True, name="confmaker")
            ct.wait()
            ct.commit(repository="conf/made", tag="1", conf={"Cmd": ["cat", "/conf"], "Env": ["CONF=1"],
                      "ExposedPorts": {"8080/tcp": {}}, "Volumes": {"/data": {}}, "StopSignal": "SIGINT",
                      "Labels": {"by": "conf"}, "User": "nobody", "WorkingDir": "/tmp", "Hostname": "ignored"},
                      changes=["LABEL by=change"])
            cfg = c.images.get("conf/made:1").attrs["Config"]
            print(cfg["Cmd"], cfg["Env"][-1], sorted(cfg["ExposedPorts"]), sorted(cfg["Volumes"]), cfg["StopSignal"],
                  cfg["Labels"], cfg["User"], cfg["WorkingDir"])
            print(c.containers.run("conf/made:1", remove=True))
            try:
                ct.commit(repository="conf/refused", conf={"Healthcheck": {"Test": ["CMD", "true"]}})
            except docker.errors.APIError as e:
                print(e.status_code, "Healthcheck" in str(e.explanation))
            """;

    @Test
    void theConfigInTheRequestIsAppliedAndWhatTallyCannotHonourIsRefusedByName() throws Exception {
        Path script = Files.writeString(daemon.root.resolve("conf.py"), SDK_CONF);
        Daemon.Result r = Daemon.exec(List.of("/usr/bin/python3", script.toString(), daemon.socket.toString()), Map.of());
        assertEquals(0, r.code(), r.out() + r.err());
        assertEquals(String.join("\n",
                "['cat', '/conf'] CONF=1 ['8080/tcp'] ['/data'] SIGINT {'by': 'change'} nobody /tmp",
                "b'conf\\n'",
                "400 True") + "\n", r.out(), r.err());
        assertNotEquals(0, daemon.docker("image", "inspect", "conf/refused").code(), "nothing is made of a refusal");

        String base = "http://tally/commit?container=confmaker&repo=curl/made";
        Daemon.Result refused = Daemon.exec(List.of("curl", "-s", "-w", "\n%{http_code}", "--unix-socket",
                daemon.socket.toString(), "-X", "POST", "-H", "Content-Type: application/json", "-d",
                "{\"Cmd\":[\"true\"],\"OnBuild\":[\"RUN x\"]}", base), Map.of());
        assertTrue(refused.out().endsWith("\n400") && refused.out().contains("OnBuild"), refused.out());
        Daemon.Result made = Daemon.exec(List.of("curl", "-s", "-w", "\n%{http_code}", "--unix-socket",
                daemon.socket.toString(), "-X", "POST", "-H", "Content-Type: application/json", "-d",
                "{\"Entrypoint\":[\"cat\"],\"Cmd\":[\"/conf\"]}", base + "&pause=false"), Map.of());
        assertTrue(made.out().endsWith("\n201"), made.out());
        assertEquals("conf\n", ok(daemon.docker("run", "--rm", "curl/made"), "run it").out());
    }

    @Test
    void fileCapabilitiesUserAttributesAndHardLinksOfTheContainerAreInItsLayer() throws Exception {
        ok(daemon.docker("run", "--name", "capper", "busybox", "sh", "-c", "cp /bin/busybox /pinger; ln /pinger /again; "
                + "mkdir /noted"), "run");
        String container = ok(daemon.docker("inspect", "-f", "{{.Id}}", "capper"), "inspect").out().strip();
        Path upper = daemon.root.resolve("data").resolve("containers").resolve(container).resolve("upper");
        ok(Daemon.exec(List.of("setcap", "cap_net_raw+ep", upper.resolve("pinger").toString()), Map.of()), "setcap");
        for (Path p : List.of(upper.resolve("pinger"), upper.resolve("noted"))) {
            Files.getFileAttributeView(p, java.nio.file.attribute.UserDefinedFileAttributeView.class)
                    .write("note", java.nio.ByteBuffer.wrap("kept".getBytes(java.nio.charset.StandardCharsets.UTF_8)));
        }
        ok(daemon.docker("commit", "capper", "capped:1"), "commit");

        Path saved = daemon.root.resolve("capped.tar");
        ok(daemon.docker("save", "-o", saved.toString(), "capped:1"), "save");
        Map<String, TarArchiveEntry> layer = topLayerEntries(saved);
        // names are written sorted: /again comes first and holds the body, /pinger links to it
        assertTrue(layer.get("again").isFile() && layer.get("pinger").isLink(), layer.keySet().toString());
        assertEquals("again", layer.get("pinger").getLinkName(), "the second name is a hard link to the first");
        assertTrue(layer.get("again").getExtraPaxHeaders().containsKey("SCHILY.xattr.security.capability"));
        assertEquals("kept", layer.get("again").getExtraPaxHeaders().get("SCHILY.xattr.user.note"));
        assertEquals("kept", layer.get("noted/").getExtraPaxHeaders().get("SCHILY.xattr.user.note"));

        assertEquals("2 2\n", ok(daemon.docker("run", "--rm", "capped:1", "stat", "-c", "%h", "/pinger", "/again"),
                "run the image").out().replace("\n2", " 2"), "one file with two names in the container");
        String diffId = ok(daemon.docker("image", "inspect", "-f", "{{index .RootFS.Layers 1}}", "capped:1"), "diff id")
                .out().strip();
        Path unpacked = daemon.root.resolve("data").resolve("layers").resolve(diffId.substring("sha256:".length()));
        Daemon.Result getcap = ok(Daemon.exec(List.of("getcap", unpacked.resolve("pinger").toString()), Map.of()), "getcap");
        assertTrue(getcap.out().contains("cap_net_raw=ep"), "the capability is on the unpacked layer: " + getcap.out());
        var view = Files.getFileAttributeView(unpacked.resolve("noted"),
                java.nio.file.attribute.UserDefinedFileAttributeView.class);
        java.nio.ByteBuffer note = java.nio.ByteBuffer.allocate(16);
        view.read("note", note);
        assertEquals("kept", new String(note.array(), 0, note.position(), java.nio.charset.StandardCharsets.UTF_8));
    }

    /** The entries of the top layer of a saved image, by name. */
    private static Map<String, TarArchiveEntry> topLayerEntries(Path saved) throws Exception {
        Map<String, byte[]> files = new LinkedHashMap<>();
        try (InputStream in = Files.newInputStream(saved); TarArchiveInputStream tar = new TarArchiveInputStream(in)) {
            TarArchiveEntry e;
            while ((e = tar.getNextEntry()) != null) {
                if (e.isFile()) {
                    files.put(e.getName(), tar.readAllBytes());
                }
            }
        }
        JsonNode layers = JSON.readTree(files.get("manifest.json")).path(0).path("Layers");
        Map<String, TarArchiveEntry> out = new LinkedHashMap<>();
        try (TarArchiveInputStream tar = new TarArchiveInputStream(new java.io.ByteArrayInputStream(
                files.get(layers.get(layers.size() - 1).asText())))) {
            TarArchiveEntry e;
            while ((e = tar.getNextEntry()) != null) {
                out.put(e.getName(), e);
            }
        }
        return out;
    }
}
