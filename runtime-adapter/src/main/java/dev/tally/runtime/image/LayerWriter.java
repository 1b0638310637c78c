package dev.tally.runtime.image;

import dev.tally.domain.DomainException;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.zip.GZIPOutputStream;

/**
 * Writes one layer in a single pass over its stream: the blob to a partial file, the decompressed
 * tar digested (the diff id) and unpacked into a directory of its own under {@code tmp/}, all
 * bounded ({@link #budget}). Commits nothing itself: it returns what it wrote for the store to
 * verify and move into place, and deletes it all when anything fails.
 */
final class LayerWriter {

    /**
     * What one pass wrote: the blob (partial file, digest, size) and the unpacked tree with its diff id
     * and size, and what of them is still to be synced ({@link #makeDurable}).
     */
    record Written(Path blobFile, String blobDigest, long blobSize, Path tree, String diffId, long size,
                   String mediaType, Unsynced unsynced) {
    }

    /** Files and directories a pass wrote and did not sync, and how many bytes they hold. */
    record Unsynced(List<Path> files, List<Path> dirs, long bytes) {
        static final Unsynced NONE = new Unsynced(List.of(), List.of(), 0);
    }

    static final String DOCKER_GZIP = "application/vnd.docker.image.rootfs.diff.tar.gzip";
    /** Bytes handed from the download to the unpacking at once, and how many such chunks may be between them. */
    static final int CHUNK_BYTES = 256 << 10;
    static final int PIPE_CHUNKS = 8;
    /** How much of a blob is still read, once its unpacking failed, to tell a corrupt blob by its digest. */
    static final long VERIFY_REST_BYTES = 64L << 20;

    private final Blobs blobs;
    private final Path tmp;
    private final long maxLayerBytes;
    private final long keepFreeBytes;
    private final DiskSync sync;
    /** The pipes' buffers, reused from one layer to the next while any is being written. */
    private final ChunkBuffers pipeBuffers = new ChunkBuffers(CHUNK_BYTES);
    /** The file store of {@code tmp}, found once: finding it reads all of /proc/mounts. */
    private volatile java.nio.file.FileStore tmpStore;
    /** The unpacking sides of {@link #asReceived}: one thread per layer being written, gone when idle. */
    private final ExecutorService unpackers = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "tally-unpack");
        t.setDaemon(true);
        return t;
    });

    LayerWriter(Blobs blobs, Path tmp, long maxLayerBytes, long keepFreeBytes, DiskSync sync) {
        this.blobs = blobs;
        this.tmp = tmp;
        this.maxLayerBytes = maxLayerBytes;
        this.keepFreeBytes = keepFreeBytes;
        this.sync = sync;
    }

    /**
     * A layer as received: the blob kept byte for byte, decompressed by {@code compression}.
     * {@code expectedSize} (when {@code >= 0}) stops the stream as soon as it is passed; the digest is
     * checked by the caller. Two threads share the work: the caller's reads the stream, digests the
     * blob and writes it to its file; an unpacking thread decompresses, digests the tar (the diff id)
     * and unpacks it, fed through a {@link ChunkPipe}. Every byte is digested once on each side, except
     * for an uncompressed layer, whose tar is its blob: its diff id is the blob's digest, computed once.
     * Nothing is synced yet: the disk has started on the large files while they were written, and
     * {@link #makeDurable} waits for the rest (so the caller may start on its next layer first).
     */
    Written asReceived(InputStream in, Compression compression, String mediaType, String expectedDigest,
                       long expectedSize) {
        String what = expectedDigest == null ? "the layer" : "layer " + expectedDigest;
        Path blobFile = null;
        Path tree = null;
        Future<Unpacked> unpacking = null;
        byte[][] buffers = pipeBuffers.take(PIPE_CHUNKS);
        ChunkPipe pipe = new ChunkPipe(buffers);
        try {
            blobFile = blobs.partial();
            Path into = tree = newTree();
            unpacking = unpackers.submit(() -> unpack(pipe.input(), compression, into));
            MessageDigest blobSha = Digests.sha256();
            long count = 0;
            MeteredInput.Budget size = Blobs.sizeBudget(expectedSize, expectedDigest == null ? "layer" : expectedDigest,
                    MeteredInput.Budget.NONE);
            Source source = new Source(in);
            try (OutputStream out = Files.newOutputStream(blobFile);
                 EarlyWriteback writeback = new EarlyWriteback(blobFile)) {
                int n;
                do {
                    byte[] chunk = pipe.buffer();
                    n = source.readNBytes(chunk, 0, chunk.length);
                    blobSha.update(chunk, 0, n);
                    count += n;
                    size.check(count);
                    out.write(chunk, 0, n);
                    pipe.send(chunk, n);
                    writeback.wrote(n);
                } while (n == CHUNK_BYTES);
                pipe.end();
            } catch (ChunkPipe.ReaderGone unpackerFailed) {
                verifyRest(source, blobSha, count, size, expectedDigest, expectedSize);
                throw failureOf(unpacking, what);
            } catch (IOException | RuntimeException | Error e) {
                pipe.fail(e);
                settle(unpacking);
                throw e;
            }
            Unpacked tar;
            try {
                tar = outcome(unpacking, what);
            } catch (IOException | RuntimeException unpackingFailed) {
                if (expectedDigest != null) { // a corrupt blob is refused for its digest, whichever side ended first
                    Blobs.verify(expectedDigest, expectedSize, Digests.of(blobSha), count);
                }
                throw unpackingFailed;
            }
            String blobDigest = Digests.of(blobSha);
            List<Path> files = new ArrayList<>(tar.files());
            files.add(blobFile);
            Written w = new Written(blobFile, blobDigest, count, tree, tar.diffId() != null ? tar.diffId() : blobDigest,
                    tar.size(), mediaType, new Unsynced(files, tar.dirs(), tar.size() + count));
            blobFile = null;
            tree = null;
            return w;
        } catch (IOException e) {
            throw refused(what, e);
        } catch (DomainException e) {
            throw e;
        } catch (RuntimeException e) {
            throw malformed(what, e);
        } finally {
            if (unpacking != null && !unpacking.isDone()) {
                pipe.fail(new IOException("abandoned"));
                settle(unpacking);
            }
            // the unpacking has stopped: no thread holds a buffer of the pipe any more
            pipeBuffers.back(unpacking == null || unpacking.isDone() ? buffers : new byte[0][]);
            Blobs.deleteQuietly(blobFile);
            deleteTree(tree);
        }
    }

    /**
     * What the unpacking side of {@link #asReceived} made: the tar's digest (null when it is the blob's)
     * and size, and the tree's files and directories, not synced.
     */
    private record Unpacked(String diffId, long size, List<Path> files, List<Path> dirs) {
    }

    /** Decompresses and unpacks the pipe's bytes into {@code tree}, and reads what follows the compressed stream. */
    private Unpacked unpack(InputStream piped, Compression compression, Path tree) throws IOException {
        SafeTarExtractor extractor = new SafeTarExtractor(tree, budget());
        MeteredInput tar;
        try (InputStream raw = piped) {
            tar = new MeteredInput(compression.open(raw), compression == Compression.NONE ? null : Digests.sha256(),
                    null, budget());
            extractor.extract(tar);
            tar.drain();
            byte[] rest = new byte[8192];
            while (raw.read(rest, 0, rest.length) >= 0) {
                // bytes after the compressed stream: in the blob (and its digest), not in the layer
            }
        }
        return new Unpacked(tar.digest() == null ? null : Digests.of(tar.digest()), tar.count(),
                List.copyOf(extractor.files()), List.copyOf(extractor.dirs()));
    }

    /** The unpacking side's outcome; its failure as thrown there. */
    private static Unpacked outcome(Future<Unpacked> unpacking, String what) throws IOException {
        try {
            return unpacking.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new java.io.InterruptedIOException("interrupted while " + what + " was unpacked");
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof IOException io) {
                throw io;
            }
            if (cause instanceof RuntimeException r) {
                throw r;
            }
            throw new IOException(String.valueOf(cause), cause);
        }
    }

    /**
     * The unpacking gave up on bytes not verified yet: when the rest of the announced blob is small
     * ({@link #VERIFY_REST_BYTES}), reads it, so that a corrupt blob is refused for its digest rather than
     * for what its corruption made the tar reader say. A larger rest is not fetched for a layer already
     * refused; a failure to read it leaves the unpacking's failure to be told.
     */
    private static void verifyRest(InputStream source, MessageDigest blobSha, long count, MeteredInput.Budget size,
                                   String expectedDigest, long expectedSize) throws IOException {
        if (expectedDigest == null || expectedSize < 0 || expectedSize - count > VERIFY_REST_BYTES) {
            return;
        }
        byte[] rest = new byte[CHUNK_BYTES];
        try {
            int n;
            while ((n = source.read(rest, 0, rest.length)) >= 0) {
                blobSha.update(rest, 0, n);
                count += n;
                size.check(count);
            }
        } catch (SourceFailure broken) {
            return;
        }
        Blobs.verify(expectedDigest, expectedSize, Digests.of(blobSha), count);
    }

    /** The unpacking side's failure, which closed the pipe before the download ended: thrown. */
    private static IOException failureOf(Future<Unpacked> unpacking, String what) throws IOException {
        outcome(unpacking, what);
        return new IOException(what + ": the unpacking ended before the download");
    }

    /** Waits for the unpacking side to stop (a failed pipe stops it), so that its tree may be deleted. */
    private static void settle(Future<Unpacked> unpacking) {
        boolean interrupted = false;
        while (true) {
            try {
                unpacking.get();
                break;
            } catch (InterruptedException e) {
                interrupted = true;
            } catch (ExecutionException | java.util.concurrent.CancellationException stopped) {
                break;
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    /** A plain tar, compressed here once (gzip) as it is unpacked; its blob is the gzip. Both synced. */
    Written compressedHere(InputStream in) {
        Path blobFile = null;
        Path tree = null;
        try {
            blobFile = blobs.partial();
            tree = newTree();
            MessageDigest blobSha = Digests.sha256();
            MeteredInput tar;
            CountingOutput counted;
            SafeTarExtractor extractor = new SafeTarExtractor(tree, budget());
            try (OutputStream file = Files.newOutputStream(blobFile);
                 OutputStream gzip = new GZIPOutputStream(new BufferedOutputStream(
                         new DigestOutputStream(counted = new CountingOutput(file), blobSha), 65536), 65536)) {
                tar = new MeteredInput(new Source(in), Digests.sha256(), gzip, budget());
                extractor.extract(tar);
                tar.drain();
            }
            List<Path> files = new ArrayList<>(extractor.files());
            files.add(blobFile);
            long written = tar.count() + counted.count;
            synced(() -> sync.all(files, extractor.dirs(), written), "the layer");
            Written w = new Written(blobFile, Digests.of(blobSha), counted.count, tree, Digests.of(tar.digest()),
                    tar.count(), DOCKER_GZIP, Unsynced.NONE);
            blobFile = null;
            tree = null;
            return w;
        } catch (IOException e) {
            throw refused("the layer", e);
        } catch (DomainException e) {
            throw e;
        } catch (RuntimeException e) {
            throw malformed("the layer", e);
        } finally {
            Blobs.deleteQuietly(blobFile);
            deleteTree(tree);
        }
    }

    /** A blob compressed here: its partial file, digest and size. */
    record Gzipped(Path file, String digest, long size) {
    }

    /** The gzip of a stored uncompressed tar, as a partial blob file, synced. */
    Gzipped gzip(Path tar) throws IOException {
        Path blobFile = blobs.partial();
        try {
            MessageDigest sha = Digests.sha256();
            CountingOutput counted;
            try (InputStream in = Files.newInputStream(tar);
                 OutputStream file = Files.newOutputStream(blobFile);
                 OutputStream gzip = new GZIPOutputStream(new BufferedOutputStream(
                         new DigestOutputStream(counted = new CountingOutput(file), sha), 65536), 65536)) {
                in.transferTo(gzip);
            }
            Path written = blobFile;
            synced(() -> sync.file(written), "the gzip of " + tar.getFileName());
            Gzipped g = new Gzipped(blobFile, Digests.of(sha), counted.count);
            blobFile = null;
            return g;
        } finally {
            Blobs.deleteQuietly(blobFile);
        }
    }

    /**
     * Syncs what a pass left unsynced: the blob and the tree's files and directories, at once
     * ({@link DiskSync#all}). For the store, before it moves them into place.
     */
    void makeDurable(Written w) {
        Unsynced u = w.unsynced();
        if (!u.files().isEmpty() || !u.dirs().isEmpty()) {
            synced(() -> sync.all(u.files(), u.dirs(), u.bytes()), "the layer " + w.diffId());
        }
    }

    /** A directory for a tree under {@code tmp/}, with the mode of a layer's root (an overlay lower directory) before it is synced. */
    private Path newTree() throws IOException {
        Path tree = Files.createTempDirectory(tmp, "unpack");
        Files.setAttribute(tree, "unix:mode", 0755);
        return tree;
    }

    private interface SyncCall {
        void run() throws IOException;
    }

    /** A sync's failure is the disk's (FAILED, or NO_SPACE), never the layer's bytes'. */
    private static void synced(SyncCall call, String what) {
        try {
            call.run();
        } catch (IOException e) {
            throw Blobs.failed("sync " + what + " to the disk", e);
        }
    }

    /** Deletes what a pass wrote and the caller did not keep. */
    static void discard(Written w) {
        Blobs.deleteQuietly(w.blobFile());
        deleteTree(w.tree());
    }

    /** The bytes free on the disk of {@code tmp} (which holds the event store too) for this process. */
    long usableSpace() throws IOException {
        java.nio.file.FileStore store = tmpStore;
        if (store == null) {
            tmpStore = store = Files.getFileStore(tmp);
        }
        return store.getUsableSpace();
    }

    /** The decompressed size limit and the disk's reserve, checked as the tar passes (every 16 MiB). */
    MeteredInput.Budget budget() {
        long[] checkedAt = {-1};
        return total -> {
            if (total > maxLayerBytes) {
                throw DomainException.invalid("the layer is larger than the limit of " + maxLayerBytes
                        + " bytes once decompressed; nothing was kept");
            }
            if (checkedAt[0] < 0 || total - checkedAt[0] >= (16L << 20)) {
                checkedAt[0] = total;
                if (usableSpace() < keepFreeBytes) {
                    throw DomainException.invalid("the layer would leave less than " + keepFreeBytes
                            + " bytes free on the data root's disk (kept for the event store); nothing was kept");
                }
            }
        };
    }

    /**
     * What an I/O failure means: the caller's stream broke (FAILED, a retry may pass), the disk is
     * full (NO_SPACE), or the bytes are no tar in the compression announced (INVALID).
     */
    private static DomainException refused(String what, IOException e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof SourceFailure s) {
                return new DomainException(DomainException.Kind.FAILED, "reading " + what + " failed: "
                        + s.getCause().getMessage() + "; nothing was kept", s.getCause());
            }
        }
        DomainException mapped = Blobs.failed("store " + what, e);
        if (mapped.kind() == DomainException.Kind.FAILED && !(e.getCause() instanceof DomainException)) {
            return DomainException.invalid(what + " could not be read as a tar: " + e.getMessage()
                    + "; nothing was kept");
        }
        return mapped;
    }

    /** A decompressor or the tar reader refused the bytes with an unchecked exception (a malformed zstd frame). */
    private static DomainException malformed(String what, RuntimeException e) {
        return DomainException.invalid(what + " could not be read as a tar: " + e.getMessage() + "; nothing was kept");
    }

    private static void deleteTree(Path tree) {
        if (tree != null) {
            try {
                dev.tally.runtime.Trees.delete(tree, "a partly unpacked layer");
            } catch (DomainException ignored) {
                // removed with tmp/ at the next start
            }
        }
    }

    /** The caller's stream, whose failures are told apart from the archive's. */
    private static final class Source extends FilterInputStream {
        Source(InputStream in) {
            super(in instanceof BufferedInputStream ? in : new BufferedInputStream(in, 65536));
        }

        @Override
        public int read() throws IOException {
            try {
                return in.read();
            } catch (IOException e) {
                throw new SourceFailure(e);
            }
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            try {
                return in.read(b, off, len);
            } catch (IOException e) {
                throw new SourceFailure(e);
            }
        }

        @Override
        public void close() {
            // the caller's
        }
    }

    private static final class SourceFailure extends IOException {
        SourceFailure(IOException cause) {
            super(cause.getMessage(), cause);
        }
    }

    private static final class CountingOutput extends java.io.FilterOutputStream {
        long count;

        CountingOutput(OutputStream out) {
            super(out);
        }

        @Override
        public void write(int b) throws IOException {
            out.write(b);
            count++;
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            out.write(b, off, len);
            count += len;
        }
    }
}
