package dev.tally.runtime.image;

import dev.tally.domain.DomainException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * {@code blobs/sha256/<hex>}: each file complete and verified, because it is written under
 * {@code tmp/} and renamed into place only once its digest matched, and durable: it is synced
 * before the rename ({@link #put} here; for layers, the store's commit of the layer); the rename is made durable
 * with the directory, before an image record names the blob ({@link ImageRecords#put}).
 */
final class Blobs {

    private final Path dir;
    private final Path tmp;
    private final DiskSync sync;

    Blobs(Path dir, Path tmp, DiskSync sync) {
        this.dir = dir;
        this.tmp = tmp;
        this.sync = sync;
    }

    Path dir() {
        return dir;
    }

    Path path(String digest) {
        return dir.resolve(Digests.hex(digest));
    }

    boolean has(String digest) {
        return Files.isRegularFile(path(digest));
    }

    /** A fresh file under {@code tmp/} for a blob being written. */
    Path partial() throws IOException {
        return Files.createTempFile(tmp, "blob", ".part");
    }

    /**
     * Moves a verified partial file, synced already (by {@link #put}, or for a layer by the store
     * before it commits the layer), into place. The rename is atomic; a
     * blob already there has the same bytes (same digest), so replacing it changes nothing for a
     * reader holding it open.
     */
    void commit(Path partial, String digest) throws IOException {
        Files.move(partial, path(digest), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }

    /** Streams {@code in} to a blob, verifying digest and size; INVALID on a mismatch, nothing kept. */
    void put(String digest, long size, InputStream in, MeteredInput.Budget budget) {
        Digests.hex(digest);
        if (has(digest)) {
            return;
        }
        Path partial = null;
        try {
            partial = partial();
            MeteredInput metered;
            try (OutputStream out = Files.newOutputStream(partial)) {
                metered = new MeteredInput(in, Digests.sha256(), out, sizeBudget(size, digest, budget));
                metered.drain();
            }
            verify(digest, size, Digests.of(metered.digest()), metered.count());
            sync.file(partial);
            commit(partial, digest);
            partial = null;
        } catch (IOException e) {
            throw failed("store blob " + digest, e);
        } finally {
            deleteQuietly(partial);
        }
    }

    /** A budget that also stops a stream as soon as it passes the size it was announced with. */
    static MeteredInput.Budget sizeBudget(long size, String digest, MeteredInput.Budget budget) {
        return total -> {
            if (size >= 0 && total > size) {
                throw DomainException.invalid("blob " + digest + " is larger than its announced size of " + size
                        + " bytes");
            }
            budget.check(total);
        };
    }

    static void verify(String digest, long size, String actual, long actualSize) {
        if (size >= 0 && size != actualSize) {
            throw DomainException.invalid("blob " + digest + " has " + actualSize + " bytes where " + size
                    + " were announced; nothing was kept");
        }
        if (!digest.equals(actual)) {
            throw DomainException.invalid("blob " + digest + " does not match its digest (its content is "
                    + actual + "); nothing was kept");
        }
    }

    InputStream open(String digest) {
        try {
            return Files.newInputStream(path(digest));
        } catch (NoSuchFileException e) {
            throw DomainException.notFound("blob " + digest + " is not stored");
        } catch (IOException e) {
            throw failed("open blob " + digest, e);
        }
    }

    long size(String digest) {
        try {
            return Files.size(path(digest));
        } catch (NoSuchFileException e) {
            throw DomainException.notFound("blob " + digest + " is not stored");
        } catch (IOException e) {
            throw failed("read the size of blob " + digest, e);
        }
    }

    byte[] read(String digest) {
        try {
            return Files.readAllBytes(path(digest));
        } catch (NoSuchFileException e) {
            throw DomainException.notFound("blob " + digest + " is not stored");
        } catch (IOException e) {
            throw failed("read blob " + digest, e);
        }
    }

    void delete(String digest) {
        try {
            Files.deleteIfExists(path(digest));
        } catch (IOException e) {
            throw failed("remove blob " + digest, e);
        }
    }

    /** Every stored blob's digest. */
    List<String> all() {
        List<String> digests = new ArrayList<>();
        try (Stream<Path> files = Files.list(dir)) {
            files.map(p -> "sha256:" + p.getFileName()).filter(Digests::isDigest).forEach(digests::add);
        } catch (IOException e) {
            throw failed("list blobs", e);
        }
        return digests;
    }

    /** An I/O failure as the caller should see it: a domain error passes through, a full disk is NO_SPACE. */
    static DomainException failed(String what, IOException e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof DomainException d) {
                return d;
            }
        }
        return DomainException.failed(what, e);
    }

    static void deleteQuietly(Path p) {
        if (p != null) {
            try {
                Files.deleteIfExists(p);
            } catch (IOException ignored) {
                // a leftover under tmp/ is removed at the next start
            }
        }
    }
}
