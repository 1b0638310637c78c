package dev.tally.runtime;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.UserDefinedFileAttributeView;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * What {@link TarOfTree} writes of a tree's hard links and extended attributes: a second name of a file
 * is a hard link to the first (one body), {@code user.*} and {@code security.capability} ride in PAX
 * headers as raw bytes (with a long name too), other attributes and links' targets never.
 */
class TarOfTreeTest {

    private Path tree;

    @BeforeEach
    void tree() throws IOException {
        tree = Files.createTempDirectory("tar-of-tree");
    }

    @AfterEach
    void clean() {
        Trees.delete(tree, "test tree");
    }

    private static void userAttribute(Path p, String name, String value) throws IOException {
        Files.getFileAttributeView(p, UserDefinedFileAttributeView.class)
                .write(name, ByteBuffer.wrap(value.getBytes(StandardCharsets.UTF_8)));
    }

    private byte[] tar(boolean xattrs) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (InRoot root = InRoot.open(tree); InRoot.Held top = root.top()) {
            TarOfTree t = new TarOfTree(out, u -> u, g -> g, xattrs);
            t.write(top, "");
            t.finish();
        }
        return out.toByteArray();
    }

    private static Map<String, TarArchiveEntry> entries(byte[] tar) throws IOException {
        Map<String, TarArchiveEntry> out = new LinkedHashMap<>();
        try (TarArchiveInputStream in = new TarArchiveInputStream(new ByteArrayInputStream(tar))) {
            TarArchiveEntry e;
            while ((e = in.getNextEntry()) != null) {
                out.put(e.getName(), e);
            }
        }
        return out;
    }

    @Test
    void aSecondNameOfAFileIsAHardLinkToTheFirstWithNoBody() throws IOException {
        Files.writeString(tree.resolve("a"), "one body");
        Files.createLink(tree.resolve("b"), tree.resolve("a"));
        Files.createDirectories(tree.resolve("d"));
        Files.createLink(tree.resolve("d/c"), tree.resolve("a"));
        Files.writeString(tree.resolve("single"), "x");
        Map<String, TarArchiveEntry> e = entries(tar(false));
        assertTrue(e.get("a").isFile() && e.get("a").getSize() == 8, e.toString());
        for (String second : List.of("b", "d/c")) {
            assertTrue(e.get(second).isLink(), second);
            assertEquals("a", e.get(second).getLinkName());
            assertEquals(0, e.get(second).getSize());
        }
        assertTrue(e.get("single").isFile());
    }

    @Test
    void userAttributesAndAFileCapabilityRideInPaxHeadersAsRawBytes() throws Exception {
        Path file = Files.writeString(tree.resolve("ping"), "binary");
        Path dir = Files.createDirectories(tree.resolve("dir"));
        String longName = "n".repeat(140);
        Path deep = Files.writeString(dir.resolve(longName), "deep");
        userAttribute(file, "note", "hello");
        userAttribute(dir, "owner", "team");
        userAttribute(deep, "deep", "yes");
        Process setcap = new ProcessBuilder("setcap", "cap_net_raw+ep", file.toString()).inheritIO().start();
        assertEquals(0, setcap.waitFor(), "setcap");
        byte[] capability = new InRootXattr(tree).of("ping", "security.capability");
        assertTrue(capability != null && capability.length == 20, "setcap writes revision 2 here");

        byte[] tar = tar(true);
        Map<String, TarArchiveEntry> e = entries(tar);
        assertEquals("hello", e.get("ping").getExtraPaxHeaders().get("SCHILY.xattr.user.note"));
        assertTrue(e.get("ping").getExtraPaxHeaders().containsKey("SCHILY.xattr.security.capability"));
        assertEquals("team", e.get("dir/").getExtraPaxHeaders().get("SCHILY.xattr.user.owner"));
        TarArchiveEntry d = e.get("dir/" + longName);
        assertEquals("yes", d.getExtraPaxHeaders().get("SCHILY.xattr.user.deep"), e.keySet().toString());
        assertEquals(4, d.getSize());
        byte[] record = concat("SCHILY.xattr.security.capability=".getBytes(StandardCharsets.US_ASCII), capability);
        assertTrue(indexOf(tar, record) >= 0, "the capability's bytes as they are, not as UTF-8 text");
        assertFalse(entries(tar(false)).get("ping").getExtraPaxHeaders().containsKey("SCHILY.xattr.user.note"),
                "no attributes unless asked");
    }

    @Test
    void aCapabilityOfRevision3IsWrittenAsRevision2() {
        byte[] v3 = new byte[24];
        v3[3] = 3;
        v3[4] = (byte) 0x80; // permitted: a byte no UTF-8 text keeps
        v3[20] = (byte) 0xe8; // the namespace's root: host uid 1000
        v3[21] = 3;
        byte[] v2 = TarOfTree.capabilityRevision2(v3);
        assertEquals(20, v2.length);
        assertEquals(2, v2[3]);
        assertEquals((byte) 0x80, v2[4]);
        byte[] already = new byte[20];
        already[3] = 2;
        assertArrayEquals(already, TarOfTree.capabilityRevision2(already));
    }

    @Test
    void aPaxRecordCountsItsOwnLength() {
        byte[] r = PaxRecords.encode(Map.of("k", "v".repeat(3).getBytes(StandardCharsets.US_ASCII)));
        assertEquals("8 k=vvv\n", new String(r, StandardCharsets.US_ASCII));
        byte[] nine = PaxRecords.encode(Map.of("k", new byte[3]));
        assertEquals(8, nine.length);
        byte[] edge = PaxRecords.encode(Map.of("key", new byte[91])); // 91+6 = 97 + 2 digits = 99; 100 needs 3
        assertEquals(Integer.parseInt(new String(edge, 0, indexOf(edge, new byte[] {' '}), StandardCharsets.US_ASCII)),
                edge.length);
        byte[] edge2 = PaxRecords.encode(Map.of("key", new byte[92])); // 98 + 2 = 100: three digits, 101
        assertEquals(Integer.parseInt(new String(edge2, 0, indexOf(edge2, new byte[] {' '}), StandardCharsets.US_ASCII)),
                edge2.length);
    }

    /** An attribute read back through {@link InRoot}, as the writer reads it. */
    private record InRootXattr(Path tree) {
        byte[] of(String name, String attribute) {
            try (InRoot root = InRoot.open(tree); InRoot.Held h = root.resolve("/" + name, false)) {
                return h.xattr(attribute);
            }
        }
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] out = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }

    private static int indexOf(byte[] hay, byte[] needle) {
        outer:
        for (int i = 0; i + needle.length <= hay.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (hay[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }
}
