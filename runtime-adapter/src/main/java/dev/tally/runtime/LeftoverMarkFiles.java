package dev.tally.runtime;

import dev.tally.domain.DomainException;
import dev.tally.domain.host.LeftoverMarks;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;

/**
 * {@link LeftoverMarks} as files under the data root: {@code leftovers/<kind>/<sha256 of the id>}
 * holding the event's identifier and the id, one line each (the name is a digest so that any id, a
 * long volume name or a digest with its colon, is one safe file name). Root's alone (0700). A mark
 * is written to a temporary file, forced to the disk, renamed into place, and its directory forced.
 */
public final class LeftoverMarkFiles implements LeftoverMarks {

    private final Path dir;

    public LeftoverMarkFiles(Path dataRoot) {
        this.dir = dataRoot.resolve("leftovers");
    }

    @Override
    public Optional<String> read(String kind, String id) {
        Path mark = file(kind, id);
        try {
            String[] lines = Files.readString(mark, StandardCharsets.UTF_8).split("\n", 2);
            return lines.length == 2 && lines[1].strip().equals(id) ? Optional.of(lines[0].strip()) : Optional.empty();
        } catch (java.nio.file.NoSuchFileException e) {
            return Optional.empty();
        } catch (IOException e) {
            throw failed("read", mark, e);
        }
    }

    @Override
    public void write(String kind, String id, String eventId) {
        Path mark = file(kind, id);
        Path partial = mark.resolveSibling(mark.getFileName() + ".partial");
        try {
            Files.createDirectories(mark.getParent());
            Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwx------"));
            try (FileChannel out = FileChannel.open(partial, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                    StandardOpenOption.TRUNCATE_EXISTING)) {
                out.write(ByteBuffer.wrap((eventId + "\n" + id + "\n").getBytes(StandardCharsets.UTF_8)));
                out.force(true);
            }
            Files.move(partial, mark, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            try (FileChannel parent = FileChannel.open(mark.getParent(), StandardOpenOption.READ)) {
                parent.force(true);
            }
        } catch (IOException e) {
            throw failed("write", mark, e);
        }
    }

    @Override
    public void delete(String kind, String id) {
        Path mark = file(kind, id);
        try {
            Files.deleteIfExists(mark);
        } catch (IOException e) {
            throw failed("delete", mark, e);
        }
    }

    @Override
    public Set<String> marked(String kind) {
        Path kindDir = dir.resolve(kind);
        Set<String> ids = new HashSet<>();
        if (!Files.isDirectory(kindDir)) {
            return ids;
        }
        try (Stream<Path> marks = Files.list(kindDir)) {
            for (Path mark : (Iterable<Path>) marks::iterator) {
                if (mark.getFileName().toString().endsWith(".partial")) {
                    Files.deleteIfExists(mark); // a write cut short: its event was never stored
                    continue;
                }
                String[] lines = Files.readString(mark, StandardCharsets.UTF_8).split("\n");
                if (lines.length >= 2) {
                    ids.add(lines[1].strip());
                }
            }
        } catch (IOException e) {
            throw failed("list", kindDir, e);
        }
        return ids;
    }

    private Path file(String kind, String id) {
        if (!kind.matches("[a-z]+")) {
            throw new IllegalArgumentException("a leftover's kind is a word: " + kind);
        }
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(id.getBytes(StandardCharsets.UTF_8));
            return dir.resolve(kind).resolve(HexFormat.of().formatHex(digest));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    }

    private static DomainException failed(String what, Path path, IOException e) {
        return new DomainException(DomainException.Kind.FAILED, what + " the leftover mark " + path + ": " + e, e);
    }
}
