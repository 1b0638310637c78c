package dev.tally.runtime;

import dev.tally.domain.DomainException;
import dev.tally.domain.container.ContainerFiles;
import dev.tally.runtime.image.LayeredImageStore;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * {@link ContainerFiles} on the container's overlay root filesystem as the host mounts it
 * ({@code containers/<id>/rootfs}): a running container's mount, or, for one that is not running, the
 * same mount made for the call and taken down after it (the caller holds the container's lock, so no
 * start comes between). Every path is resolved in an {@link InRoot}; a remapped container's owners are
 * mapped through its range ({@code containers/<id>/remap}) both ways.
 */
final class RootfsFiles implements ContainerFiles {

    private final Path containers;
    private final LayeredImageStore images;
    private final RootfsMounter mounter;

    /** Mounts a bundle's root filesystem where its start would (at {@code <bundle>/rootfs}). */
    interface RootfsMounter {
        void mount(Path bundle) throws IOException;
    }

    RootfsFiles(Path containers, LayeredImageStore images, RootfsMounter mounter) {
        this.containers = containers;
        this.images = images;
        this.mounter = mounter;
    }

    @Override
    public PathStat stat(String id, String path) {
        return onRootfs(id, root -> {
            try (InRoot.Held held = root.resolve(path, false)) {
                InRoot.Stat st = held.stat();
                String target = "";
                if (st.isSymbolicLink()) {
                    target = linkTarget(root, path, held);
                }
                return new PathStat(baseName(path), st.size(), st.mode(),
                        Instant.ofEpochSecond(st.mtimeSeconds(), st.mtimeNanos()), target);
            }
        });
    }

    @Override
    public void archive(String id, String path, OutputStream out) {
        IdRemap remap = remap(id);
        onRootfs(id, root -> {
            try (InRoot.Held held = root.resolve(path, false)) {
                TarOfTree tar = tarFor(out, remap);
                tar.write(held, baseName(path));
                tar.finish();
                return null;
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
    }

    @Override
    public ArchiveCheck check(String id, String path, Upload tar, CopyOptions options) {
        TarIntoTree into = into(id, options);
        onRootfs(id, root -> {
            requireDirectory(root, path);
            return null;
        });
        try (InputStream in = tar.open()) {
            return into.check(in);
        } catch (IOException e) {
            throw DomainException.invalid("read the archive: " + e.getMessage());
        }
    }

    @Override
    public void extract(String id, String path, Upload tar, CopyOptions options) {
        TarIntoTree into = into(id, options);
        onRootfs(id, root -> {
            try (InRoot.Held dest = requireDirectory(root, path); InputStream in = tar.open()) {
                into.extract(in, dest);
                return null;
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
    }

    @Override
    public List<Change> changes(String id) {
        Path bundle = bundle(id);
        List<Change> out = new ArrayList<>();
        List<InRoot> lowers = new ArrayList<>();
        try (InRoot upper = InRoot.open(bundle.resolve("upper")); InRoot.Held top = upper.top()) {
            for (Path layer : images.layerDirs(Files.readString(bundle.resolve("image")).strip())) {
                lowers.add(InRoot.open(layer));
            }
            changes(top, "", lowers, out, 0);
        } catch (IOException e) {
            throw new DomainException(DomainException.Kind.FAILED, "read the changes of " + id + ": " + e.getMessage(), e);
        } finally {
            lowers.forEach(InRoot::close);
        }
        return out;
    }

    private static void changes(InRoot.Held dir, String path, List<InRoot> lowers, List<Change> out, int depth) {
        if (depth > TarOfTree.MAX_DEPTH) {
            throw DomainException.invalid("the container's changes are deeper than " + TarOfTree.MAX_DEPTH + " levels");
        }
        for (String name : InRoot.names(dir)) {
            String p = path + "/" + name;
            try (InRoot.Held e = InRoot.entryIfPresent(dir, name, p)) {
                if (e == null) {
                    continue;
                }
                InRoot.Stat st = e.stat();
                if (st.isCharDevice() && st.rdevMajor() == 0 && st.rdevMinor() == 0) {
                    out.add(new Change(p, 2)); // an overlay whiteout: deleted from the image's files
                    continue;
                }
                out.add(new Change(p, inLower(lowers, p) ? 0 : 1));
                if (st.isDirectory()) {
                    changes(e, p, lowers, out, depth + 1);
                }
            }
        }
    }

    /** Whether a lower layer has the path (resolved inside that layer, its last component not followed). */
    private static boolean inLower(List<InRoot> lowers, String path) {
        for (InRoot lower : lowers) {
            try (InRoot.Held h = lower.resolve(path, false)) {
                return true;
            } catch (DomainException e) {
                if (e.kind() != DomainException.Kind.NOT_FOUND && e.kind() != DomainException.Kind.INVALID) {
                    throw e;
                }
            }
        }
        return false;
    }

    @Override
    public void export(String id, OutputStream out) {
        IdRemap remap = remap(id);
        onRootfs(id, root -> {
            try (InRoot.Held top = root.top()) {
                TarOfTree tar = tarFor(out, remap, true);
                tar.write(top, "");
                tar.finish();
                return null;
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
    }

    @Override
    public void layer(String id, OutputStream out) {
        HaltPoints.reach(HaltPoints.COMMIT_READ);
        IdRemap remap = remap(id);
        Path upperDir = bundle(id).resolve("upper");
        onRootfs(id, merged -> {
            try (InRoot upper = InRoot.open(upperDir)) {
                new UpperLayer(upper, merged, tarFor(out, remap, true)).write();
                return null;
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
    }

    /** Runs {@code work} on the container's mounted root filesystem, mounted for it if need be. */
    private <T> T onRootfs(String id, java.util.function.Function<InRoot, T> work) {
        Path bundle = bundle(id);
        Path rootfs = bundle.resolve("rootfs");
        boolean mountedHere = false;
        try {
            if (Mounts.mountedBelow(rootfs).isEmpty()) {
                mounter.mount(bundle);
                mountedHere = true;
            }
            try (InRoot root = InRoot.open(rootfs)) {
                return work.apply(root);
            }
        } catch (UncheckedIOException e) {
            throw new DomainException(DomainException.Kind.FAILED, "files of container " + id + ": "
                    + e.getCause().getMessage(), e);
        } catch (IOException e) {
            throw new DomainException(DomainException.Kind.FAILED, "mount the root filesystem of " + id + ": "
                    + e.getMessage(), e);
        } finally {
            if (mountedHere) {
                Mounts.unmountAllBelow(rootfs);
            }
        }
    }

    private Path bundle(String id) {
        Path bundle = containers.resolve(id);
        if (!Files.isRegularFile(bundle.resolve("config.json"))) {
            throw DomainException.notFound("No such container: " + id);
        }
        return bundle;
    }

    private static InRoot.Held requireDirectory(InRoot root, String path) {
        InRoot.Held dest = root.resolve(path, true);
        if (!dest.stat().isDirectory()) {
            dest.close();
            throw DomainException.invalid("extraction point is not a directory: " + path);
        }
        return dest;
    }

    /** The link's target resolved inside the root, as an absolute container path; as it reads when it leads nowhere. */
    private static String linkTarget(InRoot root, String path, InRoot.Held link) {
        try (InRoot.Held resolved = root.resolve(path, true)) {
            return root.pathOf(resolved);
        } catch (DomainException e) {
            String said = InRoot.readLink(link);
            if (said.startsWith("/")) {
                return said;
            }
            String parent = path.substring(0, Math.max(path.lastIndexOf('/'), 0));
            return (parent.isEmpty() ? "" : parent) + "/" + said;
        }
    }

    /** The name an archive of {@code path} gives its top entry: the last component, as Docker names it. */
    static String baseName(String path) {
        String p = path;
        while (p.endsWith("/.")) {
            p = p.substring(0, p.length() - 2);
        }
        while (p.length() > 1 && p.endsWith("/")) {
            p = p.substring(0, p.length() - 1);
        }
        return p.substring(p.lastIndexOf('/') + 1); // empty for the root: its entries go at the top
    }

    private IdRemap remap(String id) {
        Path file = bundle(id).resolve("remap");
        try {
            return Files.exists(file) ? IdRemap.fromLine(Files.readString(file)) : null;
        } catch (IOException e) {
            throw new DomainException(DomainException.Kind.FAILED, "read the id range of " + id + ": " + e.getMessage(), e);
        }
    }

    private static TarOfTree tarFor(OutputStream out, IdRemap remap) {
        return tarFor(out, remap, false);
    }

    /** @param xattrs whether the extended attributes an image's layer carries are written ({@link TarOfTree}) */
    private static TarOfTree tarFor(OutputStream out, IdRemap remap, boolean xattrs) {
        if (remap == null) {
            return new TarOfTree(out, u -> u, g -> g, xattrs);
        }
        return new TarOfTree(out, u -> back(u, remap.uidStart(), remap.size()), g -> back(g, remap.gidStart(), remap.size()),
                xattrs);
    }

    /** A host id as the container sees it; nobody (65534) for one outside its range. */
    private static int back(int hostId, long start, long size) {
        long h = hostId & 0xFFFFFFFFL;
        return h >= start && h < start + size ? (int) (h - start) : 65534;
    }

    private TarIntoTree into(String id, CopyOptions options) {
        IdRemap remap = remap(id);
        int[] user = options.copyUidGid() ? containerUser(id) : null;
        TarIntoTree.Owners owners = new TarIntoTree.Owners() {
            @Override
            public int uid(long uid) {
                return map(uid, remap == null ? 0 : remap.uidStart(), remap);
            }

            @Override
            public int gid(long gid) {
                return map(gid, remap == null ? 0 : remap.gidStart(), remap);
            }

            @Override
            public boolean remapped() {
                return remap != null;
            }
        };
        return new TarIntoTree(options, owners, user);
    }

    private static int map(long id, long start, IdRemap remap) {
        if (id < 0 || id > 0xFFFFFFFEL) {
            throw DomainException.invalid("an owner id of the archive is out of range: " + id);
        }
        if (remap == null) {
            return (int) id;
        }
        if (id >= remap.size()) {
            throw DomainException.invalid("owner id " + id + " of the archive cannot be mapped into the container's "
                    + remap.size() + " ids (use ids below " + remap.size() + ")");
        }
        return (int) (start + id);
    }

    /** The uid and gid the container's process runs as (container ids), from its bundle. */
    private int[] containerUser(String id) {
        try {
            var spec = new com.fasterxml.jackson.databind.ObjectMapper().readTree(bundle(id).resolve("config.json").toFile());
            var user = spec.path("process").path("user");
            return new int[] {user.path("uid").asInt(0), user.path("gid").asInt(0)};
        } catch (IOException e) {
            throw new DomainException(DomainException.Kind.FAILED, "read the user of " + id + ": " + e.getMessage(), e);
        }
    }
}
