package dev.tally.domain.container;

import dev.tally.domain.Actor;
import dev.tally.domain.DomainException;
import dev.tally.domain.KeyedLocks;
import dev.tally.domain.access.AccessControl;
import dev.tally.domain.container.command.RecordFilesCopied;
import dev.tally.domain.container.command.RecordFilesCopyFailed;
import dev.tally.domain.container.command.RecordFilesRead;
import dev.tally.domain.container.event.ContainerFilesRead;
import dev.tally.domain.container.query.ContainerView;
import java.io.OutputStream;
import java.util.List;
import org.axonframework.commandhandling.gateway.CommandGateway;

/**
 * Files in and out of a container: {@code docker cp} both ways, {@code diff}, {@code export}; for
 * whoever may act on it (others are told it does not exist, recorded). Every host step runs under
 * the container's lock, so no start, exit or removal moves its root filesystem meanwhile. A copy in
 * is checked whole, then recorded ({@code ContainerFilesCopied}: who, where, the archive's size and
 * digest), then unpacked; a failure then is recorded too. Rules (docs/security.md, "Copying files
 * into containers"): device nodes only from admins (403, recorded); set-uid and set-gid bits kept for
 * admins and in remapped containers; owners from the archive, mapped into a remapped container's ids.
 * Every read is recorded before its bytes leave ({@code ContainerFilesRead}: who, the path, the size and
 * digest of what was read; dockerd's {@code archive-path} and {@code export}), under the same lock.
 */
public class ContainerArchives {

    private final CommandGateway commands;
    private final ContainerFiles files;
    private final VisibleContainers visible;
    private final KeyedLocks locks;
    private final AccessControl access;

    public ContainerArchives(CommandGateway commands, ContainerFiles files, VisibleContainers visible, KeyedLocks locks,
                             AccessControl access) {
        this.commands = commands;
        this.files = files;
        this.visible = visible;
        this.locks = locks;
        this.access = access;
    }

    /** What {@code path} is in the container (HEAD, and the header of GET); recorded as a {@code stat} read. */
    public ContainerFiles.PathStat stat(String ref, String path, Actor actor) {
        ContainerView c = visible.require(ref, actor, "container.archive");
        String p = containerPath(path, c);
        return locks.exclusively(c.id(), () -> {
            ContainerFiles.PathStat stat = files.stat(c.id(), p);
            commands.sendAndWait(new RecordFilesRead(c.id(), ContainerFilesRead.STAT, p, stat.size(), "", actor));
            return stat;
        });
    }

    /**
     * A tar of {@code path} written to {@code out} (the caller spools it: the lock is held while it is
     * written); the path's stat, found first (NOT_FOUND before anything is written).
     */
    public ContainerFiles.PathStat archive(String ref, String path, OutputStream out, Actor actor) {
        ContainerView c = visible.require(ref, actor, "container.archive");
        String p = containerPath(path, c);
        return locks.exclusively(c.id(), () -> {
            ContainerFiles.PathStat stat = files.stat(c.id(), p);
            DigestingOutput read = new DigestingOutput(out);
            files.archive(c.id(), p, read);
            commands.sendAndWait(new RecordFilesRead(c.id(), ContainerFilesRead.ARCHIVE, p, read.count(), read.digest(),
                    actor));
            return stat;
        });
    }

    /**
     * Unpacks an uploaded tar ({@code size} bytes, SHA-256 {@code digest}) into the directory
     * {@code path}. Nothing is recorded or changed for an archive that fails its check.
     */
    public void copyIn(String ref, String path, ContainerFiles.Upload tar, long size, String digest,
                       boolean noOverwriteDirNonDir, boolean copyUidGid, Actor actor) {
        ContainerView c = visible.require(ref, actor, "container.copy_in");
        String p = containerPath(path, c);
        if (c.config().hardening().readOnlyRootfs()) {
            throw new DomainException(DomainException.Kind.DENIED, "container rootfs is marked read-only");
        }
        boolean admin = access.isAdmin(actor);
        ContainerFiles.CopyOptions options = new ContainerFiles.CopyOptions(noOverwriteDirNonDir, copyUidGid, admin, admin);
        locks.exclusively(c.id(), () -> {
            ContainerFiles.ArchiveCheck check = files.check(c.id(), p, tar, options);
            if (check.devices() > 0 && !admin) {
                throw access.deny(actor, "container.copy_in", "container/" + c.id(), "the archive holds "
                        + check.devices() + " device node(s), first " + check.firstDevice(),
                        new DomainException(DomainException.Kind.DENIED, "authorization denied: the archive holds a "
                                + "device node (" + check.firstDevice() + "); only tally admins may copy device nodes "
                                + "into a container"));
            }
            commands.sendAndWait(new RecordFilesCopied(c.id(), p, size, digest, actor));
            try {
                files.extract(c.id(), p, tar, options);
            } catch (RuntimeException e) {
                commands.sendAndWait(new RecordFilesCopyFailed(c.id(), p, digest, String.valueOf(e.getMessage()), actor));
                throw e;
            }
            return null;
        });
    }

    /** What the container changed in its image's files. */
    public List<ContainerFiles.Change> changes(String ref, Actor actor) {
        ContainerView c = visible.require(ref, actor, "container.diff");
        return locks.exclusively(c.id(), () -> files.changes(c.id()));
    }

    /** The container's whole root filesystem as a tar into {@code out} (the caller spools it); recorded. */
    public void export(String ref, OutputStream out, Actor actor) {
        ContainerView c = visible.require(ref, actor, "container.export");
        locks.exclusively(c.id(), () -> {
            DigestingOutput read = new DigestingOutput(out);
            files.export(c.id(), read);
            commands.sendAndWait(new RecordFilesRead(c.id(), ContainerFilesRead.EXPORT, "/", read.count(), read.digest(),
                    actor));
            return null;
        });
    }

    /**
     * The path as asked, absolute. A path at or below a volume, bind or tmpfs mount is refused (INVALID):
     * those are the container's own mounts (an image's {@code VOLUME} paths among them), not its root
     * filesystem, and tally does not reach them yet.
     */
    static String containerPath(String path, ContainerView c) {
        if (path == null || path.isEmpty()) {
            throw DomainException.invalid("the path to copy is missing (path=)");
        }
        if (path.indexOf('\0') >= 0) {
            throw DomainException.invalid("a path may not hold a NUL character");
        }
        String p = path.startsWith("/") ? path : "/" + path;
        String plain = MountPaths.cleaned(p);
        for (ContainerConfig.Mount m : c.config().mounts()) {
            requireOutside(plain, MountPaths.cleaned(m.target()), "the volume or bind mount");
        }
        for (String target : c.config().tmpfs().keySet()) {
            requireOutside(plain, MountPaths.cleaned(target), "the tmpfs mount");
        }
        return p;
    }

    private static void requireOutside(String path, String mount, String what) {
        if (path.equals(mount) || path.startsWith(mount.endsWith("/") ? mount : mount + "/")) {
            throw DomainException.invalid("copying files at " + path + " is not supported: it is in " + what + " at "
                    + mount + " (tally copies the container's own root filesystem only)");
        }
    }
}
