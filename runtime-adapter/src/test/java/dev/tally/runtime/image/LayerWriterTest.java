package dev.tally.runtime.image;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tally.domain.DomainException;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Random;
import java.util.stream.Stream;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A layer is downloaded on one thread and unpacked on another: what each side's failure does to the other. */
class LayerWriterTest {

    private static final String GZIP = "application/vnd.oci.image.layer.v1.tar+gzip";

    @TempDir
    Path root;

    private LayeredImageStore store() {
        return new LayeredImageStore(root, LayeredImageStore.MAX_LAYER_BYTES, 0);
    }

    private long filesUnder(String dir) throws IOException {
        try (Stream<Path> files = Files.list(root.resolve(dir))) {
            return files.count();
        }
    }

    private static byte[] random(int size, long seed) {
        byte[] b = new byte[size];
        new Random(seed).nextBytes(b);
        return b;
    }

    private static byte[] gzip(byte[] bytes, int from, int to) throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        try (OutputStream gz = new GZIPOutputStream(b)) {
            gz.write(bytes, from, to - from);
        }
        return b.toByteArray();
    }

    /** {@code head}, then bytes without end; counts what was read. */
    private static final class Endless extends InputStream {
        private final byte[] head;
        long served;

        Endless(byte[] head) {
            this.head = head;
        }

        @Override
        public int read() {
            byte[] one = new byte[1];
            read(one, 0, 1);
            return one[0] & 0xff;
        }

        @Override
        public int read(byte[] b, int off, int len) {
            int n = len;
            if (served < head.length) {
                n = (int) Math.min(len, head.length - served);
                System.arraycopy(head, (int) served, b, off, n);
            } else {
                Arrays.fill(b, off, off + len, (byte) 7);
            }
            served += n;
            return n;
        }
    }

    @Test
    void aLayerOfManyChunksIsKeptAndUnpackedWhole() throws IOException {
        byte[] content = random(5 * LayerWriter.CHUNK_BYTES + 12345, 1);
        TarBuilder tar = new TarBuilder().dir("data").fileBytes("data/big", content).file("data/small", "end");
        byte[] gz = tar.gzip();
        String diffId = store().putLayer(Digests.of(gz), gz.length, GZIP, new ByteArrayInputStream(gz));
        assertEquals(Digests.of(tar.bytes()), diffId);
        Path tree = root.resolve("layers").resolve(diffId.substring(7));
        assertArrayEquals(content, Files.readAllBytes(tree.resolve("data/big")));
        assertEquals("end", Files.readString(tree.resolve("data/small")));
        assertEquals(0, filesUnder("tmp"));
    }

    /** An uncompressed layer's tar is its blob: its diff id is the blob's digest, digested once, and it unpacks whole. */
    @Test
    void anUncompressedLayerOfManyChunksHasItsBlobDigestAsDiffIdAndAWrongByteIsRefused() throws IOException {
        byte[] content = random(3 * LayerWriter.CHUNK_BYTES + 777, 5);
        byte[] tar = new TarBuilder().dir("data").fileBytes("data/big", content).bytes();
        String diffId = store().putLayer(Digests.of(tar), tar.length, "application/vnd.oci.image.layer.v1.tar",
                new ByteArrayInputStream(tar));
        assertEquals(Digests.of(tar), diffId);
        assertArrayEquals(content, Files.readAllBytes(root.resolve("layers").resolve(diffId.substring(7)).resolve("data/big")));

        byte[] other = new TarBuilder().dir("data").fileBytes("data/big", random(1000, 6)).bytes();
        byte[] wrong = other.clone();
        wrong[600] ^= 1; // in the file's bytes: still a tar
        DomainException e = assertThrows(DomainException.class, () -> store().putLayer(Digests.of(other), other.length,
                "application/vnd.oci.image.layer.v1.tar", new ByteArrayInputStream(wrong)));
        assertEquals(DomainException.Kind.INVALID, e.kind());
        assertFalse(Files.exists(root.resolve("layers").resolve(Digests.of(wrong).substring(7))), "nothing kept");
        assertEquals(0, filesUnder("tmp"));
    }

    @Test
    void aGzipOfSeveralMembersIsUnpackedWhole() throws IOException {
        byte[] content = random(3 * LayerWriter.CHUNK_BYTES, 2);
        TarBuilder tar = new TarBuilder().dir("data").fileBytes("data/big", content);
        byte[] t = tar.bytes();
        ByteArrayOutputStream members = new ByteArrayOutputStream();
        int[] cuts = {0, 1000, LayerWriter.CHUNK_BYTES, 2 * LayerWriter.CHUNK_BYTES + 17, t.length};
        for (int i = 0; i + 1 < cuts.length; i++) {
            members.write(gzip(t, cuts[i], cuts[i + 1])); // as pigz and some registries' layers are
        }
        byte[] gz = members.toByteArray();
        String diffId = store().putLayer(Digests.of(gz), gz.length, GZIP, new ByteArrayInputStream(gz));
        assertEquals(Digests.of(t), diffId, "every member is unpacked, not only the first");
        assertArrayEquals(content, Files.readAllBytes(root.resolve("layers").resolve(diffId.substring(7))
                .resolve("data/big")));
    }

    /** The gzip of {@code bytes[0, to)} stored, not compressed: its size is about the input's. */
    private static byte[] storedGzip(byte[] bytes, int to) throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        try (OutputStream gz = new GZIPOutputStream(b) {
            {
                def.setLevel(java.util.zip.Deflater.NO_COMPRESSION);
            }
        }) {
            gz.write(bytes, 0, to);
        }
        return b.toByteArray();
    }

    private static boolean unpackerWaitsForBytes() {
        return Thread.getAllStackTraces().entrySet().stream().anyMatch(t -> t.getKey().getName().equals("tally-unpack")
                && t.getKey().getState() == Thread.State.WAITING
                && Arrays.stream(t.getValue()).anyMatch(f -> f.getClassName().startsWith(ChunkPipe.class.getName())));
    }

    @Test
    void aGzipMemberEndingAtAChunksEdgeIsFollowedByTheNextWhenItComesLater() throws IOException {
        byte[] t = new TarBuilder().dir("data").fileBytes("data/big", random(2 * LayerWriter.CHUNK_BYTES, 4)).bytes();
        int cut = LayerWriter.CHUNK_BYTES;
        byte[] first = storedGzip(t, cut);
        while (first.length > LayerWriter.CHUNK_BYTES) {
            first = storedGzip(t, --cut);
        }
        assertEquals(LayerWriter.CHUNK_BYTES, first.length, "a first member that fills the first chunk exactly");
        ByteArrayOutputStream all = new ByteArrayOutputStream();
        all.write(first);
        all.write(gzip(t, cut, t.length));
        byte[] gz = all.toByteArray();
        InputStream late = new ByteArrayInputStream(gz) {
            @Override
            public synchronized int read(byte[] b, int off, int len) {
                if (pos == LayerWriter.CHUNK_BYTES) { // the second member comes once the first is unpacked
                    org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(10))
                            .until(LayerWriterTest::unpackerWaitsForBytes);
                }
                return super.read(b, off, Math.min(len, pos < LayerWriter.CHUNK_BYTES ? LayerWriter.CHUNK_BYTES - pos : len));
            }
        };
        String diffId = store().putLayer(Digests.of(gz), gz.length, GZIP, late);
        assertEquals(Digests.of(t), diffId, "the member after the chunk's edge is unpacked too");
    }

    @Test
    void anUnpackingFailureStopsTheDownloadAndKeepsNothing() throws IOException {
        byte[] escaping = new TarBuilder().file("../outside", "x").gzip();
        Endless source = new Endless(escaping);
        long announced = 1L << 40;
        DomainException e = assertThrows(DomainException.class,
                () -> store().putLayer(Digests.of(escaping), announced, GZIP, source));
        assertEquals(DomainException.Kind.INVALID, e.kind(), e.getMessage());
        assertTrue(e.getMessage().contains("outside"), e.getMessage());
        assertTrue(source.served < 64L * LayerWriter.CHUNK_BYTES, "the download stopped soon after the unpacking failed: "
                + source.served + " bytes were read");
        assertEquals(0, filesUnder("tmp"));
        assertEquals(0, filesUnder("blobs/sha256"));
        assertEquals(0, filesUnder("layers"));
        assertFalse(Files.exists(root.resolve("outside")));
    }

    @Test
    void aCorruptBlobWhoseUnpackingFailsFirstIsRefusedForItsDigest() throws IOException {
        byte[] gz = new TarBuilder().dir("data").fileBytes("data/big", random(6 * LayerWriter.CHUNK_BYTES, 4)).gzip();
        byte[] wrong = gz.clone();
        for (int i = 64; i < 4096; i++) {
            wrong[i] ^= 0x5a; // early, so that the inflater fails long before the download ends
        }
        DomainException e = assertThrows(DomainException.class,
                () -> store().putLayer(Digests.of(gz), gz.length, GZIP, new ByteArrayInputStream(wrong)));
        assertEquals(DomainException.Kind.INVALID, e.kind(), e.getMessage());
        assertTrue(e.getMessage().contains("does not match its digest"), e.getMessage());
        assertEquals(0, filesUnder("tmp"));
        assertEquals(0, filesUnder("blobs/sha256"));
        assertEquals(0, filesUnder("layers"));
    }

    @Test
    void aBrokenDownloadStopsTheUnpackingAndKeepsNothing() throws IOException {
        byte[] gz = new TarBuilder().dir("data").fileBytes("data/big", random(4 * LayerWriter.CHUNK_BYTES, 3)).gzip();
        int breakAt = 2 * LayerWriter.CHUNK_BYTES + 99;
        InputStream breaks = new ByteArrayInputStream(gz) {
            @Override
            public synchronized int read(byte[] b, int off, int len) {
                if (pos >= breakAt) {
                    throw new java.io.UncheckedIOException(new IOException("connection reset"));
                }
                return super.read(b, off, Math.min(len, breakAt - pos));
            }
        };
        InputStream checked = new InputStream() {
            @Override
            public int read() throws IOException {
                byte[] one = new byte[1];
                return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
            }

            @Override
            public int read(byte[] b, int off, int len) throws IOException {
                try {
                    return breaks.read(b, off, len);
                } catch (java.io.UncheckedIOException e) {
                    throw e.getCause();
                }
            }
        };
        DomainException e = assertThrows(DomainException.class,
                () -> store().putLayer(Digests.of(gz), gz.length, GZIP, checked));
        assertEquals(DomainException.Kind.FAILED, e.kind(), e.getMessage());
        assertTrue(e.getMessage().contains("connection reset"), e.getMessage());
        assertEquals(0, filesUnder("tmp"));
        assertEquals(0, filesUnder("blobs/sha256"));
        assertEquals(0, filesUnder("layers"));
    }
}
