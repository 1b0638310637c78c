package dev.tally.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tally.domain.image.ImageStore.StoredImage;
import dev.tally.runtime.image.TarBuilder;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A container of a three-layer image, stored as a pull stores it (each layer put, then the
 * manifest), sees what overlay makes of the layers: a whiteout hides a lower file, an opaque
 * directory hides all of a lower directory, a hard link is one file with two names, a set-uid bit is kept.
 */
class MultiLayerImageTest {

    private static RealRunc runc;
    private static String image;

    @BeforeAll
    static void storeAThreeLayerImage() throws IOException {
        runc = new RealRunc();
        byte[] base = Files.readAllBytes(runc.busyboxTar);
        byte[] middle = new TarBuilder().dir("data").file("data/gone", "lower").file("data/kept", "kept")
                .dir("cache").file("cache/old1", "1").file("cache/old2", "2").gzip();
        byte[] top = new TarBuilder().dir("data").file("data/.wh.gone", "").dir("cache")
                .file("cache/.wh..wh..opq", "").file("cache/new", "new").dir("opt").file("opt/a", "linked\n")
                .hardlink("opt/b", "opt/a").file("opt/su", "x", 04755).zstd();
        List<Object> layers = new ArrayList<>();
        List<String> diffIds = new ArrayList<>();
        for (Object[] l : List.of(new Object[] {base, "application/vnd.oci.image.layer.v1.tar"},
                new Object[] {middle, "application/vnd.oci.image.layer.v1.tar+gzip"},
                new Object[] {top, "application/vnd.oci.image.layer.v1.tar+zstd"})) {
            byte[] blob = (byte[]) l[0];
            diffIds.add(runc.images.putLayer(digest(blob), blob.length, (String) l[1], new ByteArrayInputStream(blob)));
            layers.add(Map.of("mediaType", l[1], "size", blob.length, "digest", digest(blob)));
        }
        ObjectMapper json = new ObjectMapper();
        byte[] config = json.writeValueAsBytes(Map.of("architecture", "amd64", "os", "linux",
                "config", Map.of("Cmd", List.of("sh")), "rootfs", Map.of("type", "layers", "diff_ids", diffIds)));
        runc.images.putBlob(digest(config), config.length, new ByteArrayInputStream(config));
        Map<String, Object> manifest = new LinkedHashMap<>();
        manifest.put("schemaVersion", 2);
        manifest.put("mediaType", "application/vnd.oci.image.manifest.v1+json");
        manifest.put("config", Map.of("mediaType", "application/vnd.oci.image.config.v1+json", "size", config.length,
                "digest", digest(config)));
        manifest.put("layers", layers);
        StoredImage stored = runc.images.storeImage(json.writeValueAsBytes(manifest), null);
        image = stored.id();
    }

    @AfterAll
    static void cleanUp() throws Exception {
        runc.close();
    }

    private static String digest(byte[] b) {
        try {
            return "sha256:" + HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(b));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static RealRunc.Output run(String script) {
        return runc.run(RealRunc.config(List.of("sh", "-c", script)), null, image);
    }

    @Test
    void aWhiteoutHidesTheLowerFile() {
        RealRunc.Output out = run("ls /data; test -e /data/gone && echo still-there; true");
        assertEquals("kept\n", out.out(), out.err());
    }

    @Test
    void anOpaqueDirectoryHidesAllOfTheLowerOne() {
        RealRunc.Output out = run("ls /cache");
        assertEquals("new\n", out.out(), out.err());
    }

    @Test
    void aHardLinkIsOneFileWithTwoNamesAndSetUidIsKept() {
        RealRunc.Output out = run("cat /opt/b; stat -c '%h %i' /opt/a; stat -c '%h %i' /opt/b; stat -c %a /opt/su");
        String[] lines = out.out().split("\n");
        assertEquals("linked", lines[0], out.err());
        assertEquals(lines[1], lines[2], "same inode, two links");
        assertEquals("2", lines[1].split(" ")[0]);
        assertEquals("4755", lines[3]);
    }

    @Test
    void busyboxOfTheBottomLayerRuns() {
        assertEquals(0, run("true").code());
    }
}
