package dev.tally.domain.container;

import java.io.InputStream;
import java.io.OutputStream;
import java.time.Instant;
import java.util.List;

/**
 * Port: the files of a container's root filesystem (its image's layers under its own), running or
 * not. A path is the container's: resolved inside its root, symbolic links followed only inside it,
 * never out, whatever its processes do meanwhile. Callers hold the container's lock (no start, exit
 * or removal moves the root filesystem under them). Errors: NOT_FOUND for a path that is not there
 * (Docker's "Could not find the file … in container …"), INVALID for what the request asks wrongly
 * (an archive that would escape, a link in its way, a directory where a file goes), FAILED with the
 * host's words.
 */
public interface ContainerFiles {

    /**
     * What {@code path} is. Its last component is not followed (a link is described as a link, with
     * where it leads inside the root as {@code linkTarget}) unless the path ends in {@code /} or
     * {@code /.}.
     */
    PathStat stat(String id, String path);

    /** A tar of {@code path} (as {@link #stat} finds it; a directory with all below it) into {@code out}. */
    void archive(String id, String path, OutputStream out);

    /**
     * Reads the tar (a whole pass; nothing on the host changes) and says what it would make in the
     * existing directory {@code path}: NOT_FOUND when that is missing, INVALID for a path that is no
     * directory or an entry that cannot be unpacked as asked.
     */
    ArchiveCheck check(String id, String path, Upload tar, CopyOptions options);

    /** Unpacks a checked tar into the directory {@code path}, as {@link #check} said. */
    void extract(String id, String path, Upload tar, CopyOptions options);

    /** What the container changed in its image's files, by path, in path order (Docker's {@code diff}). */
    List<Change> changes(String id);

    /** The whole root filesystem as a tar ({@code docker export}). */
    void export(String id, OutputStream out);

    /**
     * What the container changed in its image's files as one image layer, an uncompressed tar into
     * {@code out} ({@code docker commit}): a deleted path as an empty {@code .wh.NAME}, a directory
     * that hides what is below it with a {@code .wh..wh..opq} entry, owners as the container sees them.
     */
    void layer(String id, OutputStream out);

    /** An uploaded archive, readable as often as needed. */
    interface Upload {
        InputStream open();
    }

    /**
     * How a copy in is unpacked.
     *
     * @param noOverwriteDirNonDir a directory never replaces a non-directory nor the other way (the CLI asks it)
     * @param copyUidGid           every file owned by the container's user, not the archive's owners
     * @param keepSetIds           set-uid and set-gid bits kept whoever owns the container; otherwise kept
     *                             only in a container whose ids are remapped (so no owner is a host id)
     * @param devices              device nodes may be made (else a check answers them, unpacking refuses them)
     */
    record CopyOptions(boolean noOverwriteDirNonDir, boolean copyUidGid, boolean keepSetIds, boolean devices) {
    }

    /** What a checked archive holds: its entries, and how many are device nodes (with the first one's name). */
    record ArchiveCheck(long entries, long devices, String firstDevice) {
    }

    /**
     * A path as Docker's {@code X-Docker-Container-Path-Stat} header describes it.
     *
     * @param mode       the Unix mode, type bits included
     * @param linkTarget where a link leads, as an absolute path in the container; empty for anything else
     */
    record PathStat(String name, long size, int mode, Instant mtime, String linkTarget) {
        public boolean isDirectory() {
            return (mode & 0170000) == 0040000;
        }
    }

    /** A changed path: {@code kind} 0 modified, 1 added, 2 deleted (Docker's numbering). */
    record Change(String path, int kind) {
    }
}
