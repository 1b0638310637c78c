package dev.tally.ops;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.GZIPOutputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.apache.commons.compress.archivers.tar.TarConstants;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Issue 13: {@code save} and {@code load} in Docker's archive format (and an OCI layout), against a
 * real tallyd through the real docker CLI, the tally CLI, skopeo and podman; a three-layer image
 * loaded runs as overlay makes its layers (a whiteout, an opaque directory, a hard link). As real users
 * (alice and bob, carol an admin), a load moves only references its user may move and a save finds only
 * images its user may use, every refusal on the record; also with the docker CLI 20.10 where it is.
 */
class ImageArchiveIT {

    @BusyboxDaemon(beforeStart = SharedHostUsers.Made.class)
    private static Daemon daemon;
    private static SharedHostUsers users;
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Path DOCKER_20 = Path.of("/tmp/docker20/x/usr/bin/docker");

    @BeforeAll
    static void users() throws Exception {
        users = new SharedHostUsers(daemon);
    }

    /** A tar built entry by entry. */
    private static final class Tar {
        private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        private final TarArchiveOutputStream out = new TarArchiveOutputStream(bytes);

        Tar() {
            out.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
        }

        Tar file(String name, byte[] content) throws IOException {
            TarArchiveEntry e = new TarArchiveEntry(name, true);
            e.setSize(content.length);
            e.setMode(0644);
            out.putArchiveEntry(e);
            out.write(content);
            out.closeArchiveEntry();
            return this;
        }

        Tar file(String name, String text) throws IOException {
            return file(name, text.getBytes(StandardCharsets.UTF_8));
        }

        Tar dir(String name) throws IOException {
            TarArchiveEntry e = new TarArchiveEntry(name + "/", true);
            e.setMode(0755);
            out.putArchiveEntry(e);
            out.closeArchiveEntry();
            return this;
        }

        Tar hardlink(String name, String target) throws IOException {
            TarArchiveEntry e = new TarArchiveEntry(name, TarConstants.LF_LINK, true);
            e.setLinkName(target);
            out.putArchiveEntry(e);
            out.closeArchiveEntry();
            return this;
        }

        byte[] bytes() throws IOException {
            out.finish();
            return bytes.toByteArray();
        }
    }

    private static String sha256(byte[] b) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(b));
    }

    private static byte[] gzip(byte[] b) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (OutputStream gz = new GZIPOutputStream(out)) {
            gz.write(b);
        }
        return out.toByteArray();
    }

    /** A Docker archive of busybox's root filesystem under two more layers: a whiteout, an opaque directory, a hard link. */
    private static Path threeLayerArchive(String repoTag, List<String> extraEntries) throws Exception {
        return threeLayerArchive(repoTag, extraEntries, "sh");
    }

    /** As above, the image's command {@code cmd} (another command: another image). */
    private static Path threeLayerArchive(String repoTag, List<String> extraEntries, String cmd) throws Exception {
        byte[] base = Files.readAllBytes(daemon.root.resolve("busybox.tar"));
        byte[] middle = new Tar().dir("data").file("data/gone", "lower").file("data/kept", "kept").dir("cache")
                .file("cache/old1", "1").file("cache/old2", "2").bytes();
        byte[] top = new Tar().dir("data").file("data/.wh.gone", "").dir("cache").file("cache/.wh..wh..opq", "")
                .file("cache/new", "new").dir("opt").file("opt/a", "linked\n").hardlink("opt/b", "opt/a").bytes();
        List<String> diffIds = List.of("sha256:" + sha256(base), "sha256:" + sha256(middle), "sha256:" + sha256(top));
        byte[] config = JSON.writeValueAsBytes(Map.of("architecture", "amd64", "os", "linux",
                "config", Map.of("Cmd", List.of(cmd)), "rootfs", Map.of("type", "layers", "diff_ids", diffIds)));
        Tar archive = new Tar();
        archive.file("base/layer.tar", base).file("middle/layer.tar.gz", gzip(middle)).file("top/layer.tar", top);
        archive.file(sha256(config) + ".json", config);
        Map<String, Object> item = new LinkedHashMap<>();
        item.put("Config", sha256(config) + ".json");
        item.put("RepoTags", List.of(repoTag));
        item.put("Layers", new ArrayList<>(List.of("base/layer.tar", "middle/layer.tar.gz", "./top/layer.tar")));
        archive.file("manifest.json", JSON.writeValueAsBytes(List.of(item)));
        for (String extra : extraEntries) {
            archive.file(extra, "x");
        }
        Path file = daemon.root.resolve(repoTag.replace(':', '-').replace('/', '-') + "-" + cmd + ".tar");
        Files.write(file, archive.bytes());
        Daemon.exec(List.of("chmod", "0644", file.toString()), Map.of());
        return file;
    }

    /** The archive's entries: name → bytes (small files only). */
    private static Map<String, byte[]> entries(Path archive) throws IOException {
        Map<String, byte[]> out = new LinkedHashMap<>();
        try (InputStream in = Files.newInputStream(archive); TarArchiveInputStream tar = new TarArchiveInputStream(in)) {
            TarArchiveEntry e;
            while ((e = tar.getNextEntry()) != null) {
                if (e.isFile()) {
                    out.put(e.getName(), tar.readAllBytes());
                }
            }
        }
        return out;
    }

    @Test
    void aThreeLayerImageLoadedByTheDockerCliRunsAsOverlayMakesItsLayers() throws Exception {
        Path archive = threeLayerArchive("multi:layers", List.of());
        Daemon.Result load = daemon.docker("load", "-i", archive.toString());
        assertEquals(0, load.code(), load.err() + daemon.log());
        assertEquals("Loaded image: multi:layers", load.out().strip());
        Daemon.Result run = daemon.docker("run", "--rm", "multi:layers", "sh", "-c",
                "ls /data; echo -; ls /cache; echo -; cat /opt/b; stat -c %h /opt/a; test -e /data/gone || echo hidden");
        assertEquals(0, run.code(), run.err());
        assertEquals("kept\n-\nnew\n-\nlinked\n2\nhidden\n", run.out());
        Daemon.Result events = daemon.docker("events", "--since", "0", "--until", "0s", "--filter", "type=image",
                "--filter", "event=load", "--format", "{{.Action}} {{.Actor.Attributes.name}}");
        assertTrue(events.out().contains("load multi:layers"), events.out());
        Daemon.Result audit = daemon.tally("audit", "log", "--action", "image.load", "--format", "json");
        assertTrue(audit.out().contains("multi:layers") && audit.out().contains("\"manifestDigest\":\"sha256:"),
                audit.out());
    }

    @Test
    void anArchiveWhoseLayerIsNotTheOneItsConfigNamesOrThatClimbsOutIsRefusedAndKeepsNothing() throws Exception {
        Path climbing = daemon.root.resolve("climbing.tar");
        Files.write(climbing, new Tar().file("manifest.json", "[{\"Config\":\"../../../etc/passwd\",\"Layers\":[]}]")
                .bytes());
        Daemon.Result load = daemon.docker("load", "-i", climbing.toString());
        assertEquals(1, load.code(), load.out());
        assertTrue(load.err().contains("climbs out"), load.err());
        Path escaping = daemon.root.resolve("escaping.tar");
        byte[] layer = new Tar().file("../../escaped-by-layer", "x").bytes();
        byte[] config = JSON.writeValueAsBytes(Map.of("architecture", "amd64", "os", "linux", "rootfs",
                Map.of("type", "layers", "diff_ids", List.of("sha256:" + sha256(layer)))));
        Files.write(escaping, new Tar().file("l.tar", layer).file("c.json", config)
                .file("manifest.json", "[{\"Config\":\"c.json\",\"RepoTags\":[\"escape:x\"],\"Layers\":[\"l.tar\"]}]")
                .bytes());
        Daemon.Result refused = daemon.docker("load", "-i", escaping.toString());
        assertEquals(1, refused.code(), refused.out());
        assertFalse(Files.exists(daemon.root.resolve("data/escaped-by-layer")));
        assertFalse(Files.exists(Path.of("/tmp/escaped-by-layer")));
        assertFalse(daemon.docker("images", "--format", "{{.Repository}}").out().contains("escape"));
    }

    @Test
    void theDockerCliSavesWhatSkopeoReadsAndTallyLoadsBack() throws Exception {
        Path saved = daemon.root.resolve("busybox-saved.tar");
        Daemon.Result save = daemon.docker("save", "-o", saved.toString(), "busybox");
        assertEquals(0, save.code(), save.err() + daemon.log());
        Map<String, byte[]> entries = entries(saved);
        JsonNode manifest = JSON.readTree(entries.get("manifest.json"));
        assertEquals("busybox:latest", manifest.path(0).path("RepoTags").path(0).asText());
        assertTrue(entries.containsKey("index.json") && entries.containsKey("oci-layout")
                && entries.containsKey("repositories"), entries.keySet().toString());
        String layerPath = manifest.path(0).path("Layers").path(0).asText();
        assertEquals(layerPath.substring("blobs/sha256/".length()), sha256(entries.get(layerPath)),
                "a layer is its uncompressed tar, named by its diff id");

        Daemon.Result skopeo = Daemon.exec(List.of("skopeo", "inspect", "docker-archive:" + saved), Map.of());
        assertEquals(0, skopeo.code(), skopeo.err());
        JsonNode inspected = JSON.readTree(skopeo.out());
        assertEquals(1, inspected.path("Layers").size(), skopeo.out());
        Daemon.Result oci = Daemon.exec(List.of("skopeo", "inspect", "oci-archive:" + saved), Map.of());
        assertEquals(0, oci.code(), "the same archive is an OCI layout too: " + oci.err());

        Path byTally = daemon.root.resolve("busybox-by-tally.tar");
        Daemon.Result tallySave = daemon.tally("save", "-o", byTally.toString(), "busybox:latest");
        assertEquals(0, tallySave.code(), tallySave.err());
        Daemon.Result tallyLoad = daemon.tally("load", "-i", byTally.toString());
        assertEquals(0, tallyLoad.code(), tallyLoad.err());
        assertEquals("Loaded image: busybox:latest", tallyLoad.out().strip());
        Daemon.Result audit = daemon.tally("audit", "log", "--action", "image.save", "--format", "json");
        assertTrue(audit.out().contains("\"username\":\"root\"") && audit.out().contains("busybox:latest"), audit.out());
    }

    @Test
    void podmanLoadsWhatTallySavesAndTallyLoadsWhatPodmanSavesInBothFormats() throws Exception {
        Path store = Files.createDirectories(daemon.root.resolve("podman"));
        List<String> podman = List.of("podman", "--root", store.resolve("root").toString(), "--runroot",
                store.resolve("runroot").toString(), "--storage-driver", "vfs", "--cgroup-manager", "cgroupfs",
                "--events-backend", "none");
        Path saved = daemon.root.resolve("for-podman.tar");
        assertEquals(0, daemon.docker("save", "-o", saved.toString(), "busybox:latest").code());
        Daemon.Result loaded = Daemon.exec(concat(podman, "load", "-i", saved.toString()), Map.of());
        assertEquals(0, loaded.code(), loaded.err());
        for (String format : List.of("docker-archive", "oci-archive")) {
            Path back = daemon.root.resolve("from-podman-" + format + ".tar");
            Daemon.Result podmanSave = Daemon.exec(concat(podman, "save", "--format", format, "-o", back.toString(),
                    "busybox:latest"), Map.of());
            assertEquals(0, podmanSave.code(), podmanSave.err());
            Daemon.Result load = daemon.docker("load", "-i", back.toString());
            assertEquals(0, load.code(), format + ": " + load.err() + daemon.log());
            assertTrue(load.out().contains("Loaded image"), load.out());
        }
        Daemon.Result run = daemon.docker("run", "--rm", "busybox:latest", "true");
        assertEquals(0, run.code(), run.err());
    }

    /** Whether the audit log holds a refusal of this user's: this action, on this image reference, with this status. */
    private static boolean refused(String user, String action, String name, int status) {
        Daemon.Result log = daemon.tally("audit", "log", "--denied", "--user", user, "--format", "json");
        assertEquals(0, log.code(), log.err());
        return log.out().lines().anyMatch(l -> l.contains("\"action\":\"" + action + "\"")
                && l.contains("\"name\":\"" + name + "\"") && l.contains("\"code\":" + status + ","));
    }

    private static String id(String user, String ref) {
        Daemon.Result r = users.docker(user, "image", "inspect", "-f", "{{.Id}}", ref);
        assertEquals(0, r.code(), user + " inspect " + ref + ": " + r.err());
        return r.out().strip();
    }

    @Test
    void aUserLoadsUnderTheirOwnNamesOnlyAndWhatTheyLoadedIsTheirsAlone() throws Exception {
        String busybox = id("carol", "busybox");
        Path overBusybox = threeLayerArchive("busybox:latest", List.of());
        Daemon.Result refused = users.docker("alice", "load", "-i", overBusybox.toString());
        assertNotEquals(0, refused.code(), refused.out());
        assertTrue(refused.err().contains("authorization denied"), refused.err());
        assertTrue(refused("alice", "image.load", "busybox:latest", 403));
        assertEquals(busybox, id("carol", "busybox"), "busybox is still busybox for the admin");

        Path own = threeLayerArchive("alice/layers:1", List.of());
        Daemon.Result load = users.docker("alice", "load", "-i", own.toString());
        assertEquals(0, load.code(), load.err() + daemon.log());
        assertEquals("Loaded image: alice/layers:1", load.out().strip());
        Daemon.Result run = users.docker("alice", "run", "--rm", "alice/layers:1", "cat", "/opt/b");
        assertEquals("linked\n", run.out(), run.err());
        Daemon.Result bobs = users.docker("bob", "image", "inspect", "alice/layers:1");
        Daemon.Result missing = users.docker("bob", "image", "inspect", "alice/none:1");
        assertEquals(missing.code(), bobs.code());
        assertEquals(missing.err().replace("alice/none:1", "alice/layers:1"), bobs.err());
        assertEquals(id("alice", "alice/layers:1"), id("carol", "alice/layers:1"), "an admin sees every image");
        Daemon.Result moves = daemon.tally("audit", "log", "--user", "alice", "--format", "json");
        assertTrue(moves.out().lines().anyMatch(l -> l.contains("\"action\":\"image.tag\"")
                && l.contains("alice/layers:1") && l.contains("\"via\":\"load\"")), "the move is recorded: " + moves.out());
        Daemon.Result other = users.docker("bob", "load", "-i",
                threeLayerArchive("alice/layers:1", List.of(), "true").toString());
        assertNotEquals(0, other.code(), "alice's reference is alice's: " + other.out());
        assertTrue(refused("bob", "image.load", "alice/layers:1", 403));
        assertEquals(id("alice", "alice/layers:1"), id("carol", "alice/layers:1"), "it did not move");
        Daemon.Result same = users.docker("bob", "load", "-i", own.toString());
        assertEquals(0, same.code(), "the same image under the same name moves nothing: " + same.err());
        assertEquals(id("alice", "alice/layers:1"), id("bob", "alice/layers:1"), "bob holds it now, as by an import");
        Daemon.Result stillAlices = users.docker("bob", "tag", "busybox", "alice/layers:1");
        assertNotEquals(0, stillAlices.code(), "the reference stays alice's: " + stillAlices.out());
    }

    @Test
    void aUserSavesOnlyImagesTheyMayUseAndAnotherUsersIsAbsentAsAMissingOneIs() throws Exception {
        Path own = threeLayerArchive("alice/saved:1", List.of());
        assertEquals(0, users.docker("alice", "load", "-i", own.toString()).code());
        Path out = Files.createDirectories(daemon.root.resolve("saves"));
        Daemon.exec(List.of("chmod", "0777", out.toString()), Map.of());
        Daemon.Result bobs = users.docker("bob", "save", "-o", out.resolve("bob.tar").toString(), "alice/saved:1");
        Daemon.Result missing = users.docker("bob", "save", "-o", out.resolve("bob.tar").toString(), "alice/none:1");
        assertNotEquals(0, bobs.code());
        assertEquals(missing.err().replace("alice/none:1", "alice/saved:1"), bobs.err());
        assertTrue(refused("bob", "image.save", "alice/saved:1", 404));
        assertFalse(users.tally("bob", "save", "-o", out.resolve("bob2.tar").toString(), "alice/saved:1").code() == 0);

        Daemon.Result alices = users.docker("alice", "save", "-o", out.resolve("alice.tar").toString(), "alice/saved:1");
        assertEquals(0, alices.code(), alices.err());
        assertEquals("alice/saved:1", JSON.readTree(entries(out.resolve("alice.tar")).get("manifest.json"))
                .path(0).path("RepoTags").path(0).asText());
        Daemon.Result busybox = users.tally("bob", "save", "-o", out.resolve("busybox.tar").toString(), "busybox");
        assertEquals(0, busybox.code(), "what an admin brought every user may save: " + busybox.err());
        Daemon.Result saves = daemon.tally("audit", "log", "--action", "image.save", "--user", "alice", "--format", "json");
        assertTrue(saves.out().contains("alice/saved:1"), saves.out());
    }

    @Test
    void theDockerCli2010SavesAndLoadsAsAUser() throws Exception {
        if (!Files.isExecutable(DOCKER_20)) {
            System.out.println("ImageArchiveIT: no docker 20.10 CLI at " + DOCKER_20 + "; that case is not run here");
            return;
        }
        Map<String, String> env = Map.of("DOCKER_HOST", "unix://" + daemon.socket);
        Path archive = threeLayerArchive("alice/twenty:1", List.of());
        Daemon.Result load = HostUsers.as("alice", env, List.of(DOCKER_20.toString(), "load", "-i", archive.toString()));
        assertEquals(0, load.code(), load.err());
        assertEquals("Loaded image: alice/twenty:1", load.out().strip());
        Path out = Files.createDirectories(daemon.root.resolve("saves20"));
        Daemon.exec(List.of("chmod", "0777", out.toString()), Map.of());
        Daemon.Result save = HostUsers.as("alice", env, List.of(DOCKER_20.toString(), "save", "-o",
                out.resolve("t.tar").toString(), "alice/twenty:1"));
        assertEquals(0, save.code(), save.err());
        assertTrue(entries(out.resolve("t.tar")).containsKey("manifest.json"));
        Daemon.Result hidden = HostUsers.as("bob", env, List.of(DOCKER_20.toString(), "save", "-o",
                out.resolve("b.tar").toString(), "alice/twenty:1"));
        assertNotEquals(0, hidden.code(), hidden.out());
        Daemon.Result over = HostUsers.as("bob", env, List.of(DOCKER_20.toString(), "load", "-i",
                threeLayerArchive("alice/twenty:1", List.of(), "true").toString()));
        assertNotEquals(0, over.code(), over.out());
    }

    private static List<String> concat(List<String> head, String... tail) {
        List<String> all = new ArrayList<>(head);
        all.addAll(List.of(tail));
        return all;
    }
}
