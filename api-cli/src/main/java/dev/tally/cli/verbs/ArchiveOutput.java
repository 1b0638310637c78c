package dev.tally.cli.verbs;

import dev.tally.cli.CliException;
import dev.tally.cli.ExitCodeMapper;
import dev.tally.cli.StdStreams;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/**
 * Where {@code save} and {@code export} write their tar archive: stdout, never a terminal (as the
 * docker CLI refuses), or {@code -o FILE}, written beside it and renamed over it once whole.
 */
final class ArchiveOutput {

    private ArchiveOutput() {
    }

    /** Refuses stdout when it is a terminal and no file was named; for before the request. */
    static void check(String file, StdStreams io, String verb) {
        if (file == null && io.terminal()) {
            throw new CliException("cowardly refusing to " + verb + " to a terminal. Use the -o flag or redirect",
                    ExitCodeMapper.GENERAL_FAILURE);
        }
    }

    /** Writes {@code archive} to {@code file}, or to stdout when it is null. */
    static void write(InputStream archive, String file, StdStreams io) throws IOException {
        if (file == null) {
            archive.transferTo(io.out());
            io.out().flush();
            return;
        }
        Path target = Path.of(file).toAbsolutePath();
        Path partial = Files.createTempFile(target.getParent(), "." + target.getFileName(), ".part");
        try {
            try (OutputStream out = Files.newOutputStream(partial)) {
                archive.transferTo(out);
            }
            Files.move(partial, target, StandardCopyOption.REPLACE_EXISTING);
        } finally {
            Files.deleteIfExists(partial);
        }
    }
}
