package dev.tally.runtime;

import dev.tally.domain.DomainException;
import dev.tally.domain.access.HostLookup;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.OptionalInt;

/** Users from /etc/passwd and real paths from the file system, for authorization's decisions. */
public final class HostFileLookup implements HostLookup {

    private final Path passwd;

    public HostFileLookup(Path passwd) {
        this.passwd = passwd;
    }

    public static HostFileLookup system() {
        return new HostFileLookup(Path.of("/etc/passwd"));
    }

    @Override
    public OptionalInt uidOf(String user) {
        try {
            for (String line : Files.readAllLines(passwd)) {
                String[] f = line.split(":", -1);
                if (f.length > 2 && f[0].equals(user)) {
                    return OptionalInt.of(Integer.parseInt(f[2]));
                }
            }
        } catch (IOException | NumberFormatException e) {
            throw new DomainException(DomainException.Kind.FAILED, "read " + passwd + ": " + e.getMessage(), e);
        }
        return OptionalInt.empty();
    }

    @Override
    public String realPath(String absolutePath) {
        return BindSources.realPath(absolutePath);
    }
}
