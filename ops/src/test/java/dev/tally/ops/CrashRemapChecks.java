package dev.tally.ops;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

/**
 * What the crash series checks after each restart of what its remapped users' clients did (non-admins
 * of group tally, whose containers run in a user namespace on their subordinate range). On the host:
 * each listed container of theirs keeps its bundle's range (the {@code remap} file), its upper and work
 * directories and every file in them are owned within that range, its running root filesystem shows
 * the image's files in it, and the anonymous volumes it mounts are its range's; a named volume is
 * root's (never mounted yet) or its owner's range's, never another's; no half-made ownership layer
 * is left. Through the API, as each user: they list exactly their own containers, images and volumes
 * (none of the other's), and every refusal they were answered is in the audit log.
 */
final class CrashRemapChecks {

    /** A user's first subordinate ranges, as /etc/subuid and /etc/subgid give them. */
    record Range(long uidStart, long gidStart, long size) {

        boolean holdsUid(long uid) {
            return uid >= uidStart && uid < uidStart + size;
        }

        boolean holdsGid(long gid) {
            return gid >= gidStart && gid < gidStart + size;
        }

        /** The bundle's {@code remap} file's line. */
        String line() {
            return uidStart + " " + gidStart + " " + size;
        }

        static Range of(String user) throws IOException {
            long[] uids = first(user, Path.of("/etc/subuid"));
            long[] gids = first(user, Path.of("/etc/subgid"));
            return new Range(uids[0], gids[0], Math.min(65536, Math.min(uids[1], gids[1])));
        }

        private static long[] first(String user, Path file) throws IOException {
            for (String line : Files.readAllLines(file)) {
                String[] f = line.strip().split(":");
                if (f.length == 3 && f[0].equals(user)) {
                    return new long[] {Long.parseLong(f[1]), Long.parseLong(f[2])};
                }
            }
            throw new IllegalStateException(user + " has no subordinate ids in " + file);
        }
    }

    private final Daemon daemon;
    private final Map<String, Range> ranges = new HashMap<>();

    CrashRemapChecks(Daemon daemon, List<String> users) throws IOException {
        this.daemon = daemon;
        for (String user : users) {
            ranges.put(user, Range.of(user));
        }
    }

    /** What was found (each acknowledged refusal on the record), and what was wrong. */
    record Outcome(int found, List<String> problems) {
    }

    /**
     * @param psById {@code ps -a} as root saw it after the restart: id, name, state
     */
    Outcome afterRestart(CrashWorkload load, Map<String, String[]> psById) throws IOException {
        if (ranges.isEmpty()) {
            return new Outcome(0, List.of());
        }
        List<String> problems = new ArrayList<>();
        Map<String, CrashWorkload.Box> byId = new HashMap<>();
        load.boxes.stream().filter(b -> b.id != null).forEach(b -> byId.put(b.id, b));
        // a run the kill cut short has no id yet: its container, if made, carries its name
        Map<String, CrashWorkload.Box> unanswered = new HashMap<>();
        load.boxes.stream().filter(b -> b.id == null).forEach(b -> unanswered.put(b.name, b));
        psById.values().stream().filter(row -> !byId.containsKey(row[0]) && unanswered.containsKey(row[1]))
                .forEach(row -> byId.put(row[0], unanswered.get(row[1])));
        Map<String, String> volumeOwner = new HashMap<>();
        Map<String, List<String>> mounts = mounts(psById.keySet());
        for (String[] row : psById.values()) {
            CrashWorkload.Box b = byId.get(row[0]);
            String owner = b == null ? null : b.owner;
            problems.addAll(bundle(row, owner));
            for (String volume : mounts.getOrDefault(row[0], List.of())) {
                volumeOwner.put(volume, owner);
            }
        }
        volumeOwner.forEach((volume, owner) -> problems.addAll(volume(volume, owner, true)));
        for (CrashWorkload.Vol v : load.volumes) {
            if (v.owner != null && !volumeOwner.containsKey(v.name)
                    && Files.isDirectory(dataDir(v.name), LinkOption.NOFOLLOW_LINKS)) {
                problems.addAll(volume(v.name, v.owner, false));
            }
        }
        problems.addAll(halfMadeOwnershipLayers());
        // each user's look at once: each is mostly a docker CLI's start
        ranges.keySet().parallelStream().map(user -> visibleTo(user, load, psById, byId)).toList()
                .forEach(problems::addAll);
        int found = denialsOnRecord(load, psById.keySet(), problems);
        return new Outcome(found, problems);
    }

    /** The container's bundle: its range, and who owns its own layer. */
    private List<String> bundle(String[] row, String owner) throws IOException {
        List<String> problems = new ArrayList<>();
        Path dir = daemon.root.resolve("data/containers").resolve(row[0]);
        String who = row[1] + " (" + row[0].substring(0, 12) + (owner == null ? "" : ", " + owner + "'s") + ")";
        Path remapFile = dir.resolve("remap");
        if (owner == null) {
            if (Files.exists(remapFile, LinkOption.NOFOLLOW_LINKS)) {
                problems.add(who + ": root's container has a range: " + Files.readString(remapFile).strip());
            }
            return problems;
        }
        Range range = ranges.get(owner);
        if (!Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS)) {
            return List.of(who + ": listed, and no bundle");
        }
        if (!Files.isRegularFile(remapFile, LinkOption.NOFOLLOW_LINKS)) {
            return List.of(who + ": no remap file in its bundle");
        }
        if (!Files.readString(remapFile).strip().equals(range.line())) {
            problems.add(who + ": its bundle's range is " + Files.readString(remapFile).strip() + ", its owner's "
                    + range.line());
        }
        long[] bundle = owners(dir);
        if (bundle[1] != range.gidStart()) {
            problems.add(who + ": its bundle's group is " + bundle[1] + ", not its range's root " + range.gidStart());
        }
        for (String layer : List.of("upper", "work")) {
            long[] top = owners(dir.resolve(layer));
            if (top[0] != range.uidStart() || top[1] != range.gidStart()) {
                problems.add(who + ": its " + layer + "/ is owned by " + top[0] + ":" + top[1] + ", not its range's root "
                        + range.uidStart() + ":" + range.gidStart());
            }
        }
        try (Stream<Path> all = Files.walk(dir.resolve("upper"))) {
            for (Path p : (Iterable<Path>) all::iterator) {
                long[] o = owners(p);
                if (!range.holdsUid(o[0]) || !range.holdsGid(o[1])) {
                    problems.add(who + ": " + dir.relativize(p) + " is owned by " + o[0] + ":" + o[1]
                            + ", outside its range " + range.line());
                }
            }
        }
        if (row[2].equals("running") || row[2].equals("paused")) {
            long[] shown = owners(dir.resolve("rootfs/bin"));
            if (shown[0] != range.uidStart() || shown[1] != range.gidStart()) {
                problems.add(who + ": its running root filesystem shows /bin owned by " + shown[0] + ":" + shown[1]
                        + ", not its range's root");
            }
        }
        return problems;
    }

    /** The names of the volumes each container mounts, by its id (one inspect for all). */
    private Map<String, List<String>> mounts(Set<String> ids) {
        Map<String, List<String>> names = new HashMap<>();
        if (ids.isEmpty()) {
            return names;
        }
        List<String> inspect = new ArrayList<>(List.of("inspect", "--format", "{{.Id}} {{range .Mounts}}{{.Name}} {{end}}"));
        inspect.addAll(ids);
        // a container removed since root's ps (an exit after the restart) fails its part only
        daemon.docker(inspect.toArray(String[]::new)).out().lines().map(l -> l.strip().split("\\s+"))
                .filter(w -> w.length > 0 && !w[0].isEmpty())
                .forEach(w -> names.put(w[0], List.of(w).subList(1, w.length)));
        return names;
    }

    private Path dataDir(String volume) {
        return daemon.root.resolve("data/volumes").resolve(volume).resolve("_data");
    }

    /**
     * A volume's data directory is its owner's range's once one of their containers mounted it (and
     * is: {@code mounted}), root's while none did; never another user's range's.
     */
    private List<String> volume(String name, String owner, boolean mounted) {
        Path data = dataDir(name);
        long[] o;
        try {
            o = owners(data);
        } catch (IOException gone) {
            return List.of(); // removed meanwhile (an exit after the restart took its --rm container)
        }
        Range range = owner == null ? null : ranges.get(owner);
        boolean rootOwns = o[0] == 0 && o[1] == 0;
        boolean ownerOwns = range != null && o[0] == range.uidStart() && o[1] == range.gidStart();
        if (ownerOwns || rootOwns && (range == null || !mounted)) {
            return List.of();
        }
        return List.of("volume " + name + (owner == null ? " (root's)" : " (" + owner + "'s)") + " is owned by " + o[0]
                + ":" + o[1] + (mounted ? ", mounted" : ", not mounted"));
    }

    /**
     * An ownership layer is made under {@code making-…} and moved in place: one left is unfinished. One
     * whose image is gone is left over: no container can run on it again.
     */
    private List<String> halfMadeOwnershipLayers() throws IOException {
        List<String> problems = new ArrayList<>();
        Path cache = daemon.root.resolve("data/remap");
        if (!Files.isDirectory(cache)) {
            return problems;
        }
        try (Stream<Path> ranges = Files.list(cache)) {
            for (Path range : ranges.toList()) {
                try (Stream<Path> made = Files.list(range)) {
                    for (Path p : made.toList()) {
                        String name = p.getFileName().toString();
                        if (name.startsWith("making-")) {
                            problems.add("half-made ownership layer left: " + cache.relativize(p));
                        } else if (!Files.exists(daemon.root.resolve("data/images").resolve(name + ".json"))) {
                            problems.add("ownership layer of an image no longer stored: " + cache.relativize(p));
                        }
                    }
                }
            }
        }
        return problems;
    }

    /**
     * As the user: {@code ps -a}, {@code images} and {@code volume ls} list none of another's, and
     * all of their own that root lists (a container is compared with root's list taken before and
     * after, as an exit reported after the restart may remove a {@code --rm} one meanwhile).
     */
    private List<String> visibleTo(String user, CrashWorkload load, Map<String, String[]> psById,
            Map<String, CrashWorkload.Box> byId) {
        List<String> problems = new ArrayList<>();
        Daemon.Result ps = HostUsers.docker(daemon, user, "ps", "-aq", "--no-trunc");
        Set<String> rootAfter = Set.of(daemon.docker("ps", "-aq", "--no-trunc").out().strip().split("\\s+"));
        if (ps.code() != 0) {
            return List.of(user + "'s ps -a: " + ps.err().strip());
        }
        Set<String> seen = new HashSet<>(List.of(ps.out().strip().split("\\s+")));
        seen.remove("");
        for (String id : seen) {
            CrashWorkload.Box b = byId.get(id);
            if (b == null || !user.equals(b.owner)) {
                problems.add(user + "'s ps -a lists " + id.substring(0, 12) + ", "
                        + (b == null ? "no container of the series" : (b.owner == null ? "root" : b.owner) + "'s " + b.name));
            }
        }
        for (String id : psById.keySet()) {
            CrashWorkload.Box b = byId.get(id);
            if (b != null && user.equals(b.owner) && rootAfter.contains(id) && !seen.contains(id)) {
                problems.add(user + "'s ps -a does not list their " + b.name + " (" + id.substring(0, 12) + ")");
            }
        }
        // an image is listed with all its names: another's name shows on an image the user may use too
        // (an admin's, as busybox, which every import of the busybox tar is; or one the user brought, named
        // by what their commit or import answered)
        Daemon.Result images = HostUsers.docker(daemon, user, "images", "--no-trunc", "--format",
                "{{.Repository}}:{{.Tag}} {{.ID}}");
        Map<String, String> listed = new HashMap<>();
        images.out().strip().lines().map(l -> l.split(" ")).filter(w -> w.length == 2).forEach(w -> listed.put(w[0], w[1]));
        Set<String> usable = new HashSet<>();
        usable.add(daemon.docker("image", "inspect", "--format", "{{.Id}}", "busybox:latest").out().strip());
        load.images.stream().filter(i -> i.owner == null || i.owner.equals(user)).map(i -> listed.get(i.ref))
                .filter(java.util.Objects::nonNull).forEach(usable::add);
        load.images.stream().filter(i -> user.equals(i.owner) && i.id != null).forEach(i -> usable.add(i.id));
        for (CrashWorkload.Img i : load.images) {
            boolean mine = user.equals(i.owner);
            if (!mine && i.owner != null && listed.containsKey(i.ref) && !usable.contains(listed.get(i.ref))) {
                problems.add(user + "'s images list " + i.owner + "'s " + i.ref + " (" + listed.get(i.ref) + ")");
            }
            if (mine && i.present() && !listed.containsKey(i.ref)) {
                problems.add(user + "'s images do not list their " + i.how + " " + i.ref + ": " + images.err().strip());
            }
        }
        Daemon.Result volumes = HostUsers.docker(daemon, user, "volume", "ls", "-q");
        Set<String> theirs = Set.copyOf(volumes.out().strip().lines().toList());
        for (CrashWorkload.Vol v : load.volumes) {
            boolean mine = user.equals(v.owner);
            if (!mine && v.owner != null && theirs.contains(v.name)) {
                problems.add(user + "'s volume ls lists " + v.owner + "'s " + v.name);
            }
            if (mine && v.acked && !v.removeAcked && !v.uncertain && !theirs.contains(v.name)) {
                problems.add(user + "'s volume ls does not list their " + v.name + ": " + volumes.err().strip());
            }
        }
        return problems;
    }

    /**
     * Each refusal a user was answered on a container still listed is an {@code AccessDenied} of theirs
     * naming it. One on a container gone since may have met no container at all (its owner's rm
     * answered meanwhile): a plain 404, which nothing records.
     */
    private int denialsOnRecord(CrashWorkload load, Set<String> listed, List<String> problems) {
        if (load.denialsAcked.isEmpty()) {
            return 0;
        }
        // the audit log's route, as the tally CLI's audit log --denied --format json asks it (without a JVM's start)
        Daemon.Result audit = Daemon.exec(List.of("curl", "-sS", "--fail", "--unix-socket", daemon.socket.toString(),
                "http://tally/tally/v1/audit/log?denied=1"), Map.of());
        if (audit.code() != 0) {
            problems.add("the audit log's refusals: " + audit.err().strip());
            return 0;
        }
        Map<String, Integer> recorded = new HashMap<>();
        audit.out().lines().forEach(line -> {
            for (String user : ranges.keySet()) {
                if (line.contains("\"username\":\"" + user + "\"")) {
                    java.util.regex.Matcher id = java.util.regex.Pattern.compile("[0-9a-f]{64}").matcher(line);
                    Set<String> ids = new HashSet<>();
                    while (id.find()) {
                        ids.add(id.group());
                    }
                    ids.forEach(i -> recorded.merge(user + " " + i, 1, Integer::sum));
                }
            }
        });
        Map<String, Integer> acked = new HashMap<>();
        load.denialsAcked.stream().filter(d -> listed.contains(d.id()))
                .forEach(d -> acked.merge(d.user() + " " + d.id(), 1, Integer::sum));
        int found = 0;
        for (Map.Entry<String, Integer> a : acked.entrySet()) {
            int n = recorded.getOrDefault(a.getKey(), 0);
            found += Math.min(n, a.getValue());
            if (n < a.getValue()) {
                String[] k = a.getKey().split(" ");
                String which = String.join(", ", load.denialsAcked.stream().filter(d -> a.getKey().equals(d.user() + " " + d.id()))
                        .map(d -> d.verb() + " at " + d.answered()).toList());
                problems.add(a.getValue() + " refusals answered to " + k[0] + " on " + k[1].substring(0, 12) + " (" + which
                        + "; " + listedState(k[1]) + "), " + n + " in the audit log");
            }
        }
        return found;
    }

    /** The container's state as {@code ps -a} shows it now, for a problem's words. */
    private String listedState(String id) {
        return "ps -a: " + daemon.docker("ps", "-a", "--no-trunc", "--filter", "id=" + id, "--format", "{{.State}} {{.Status}}")
                .out().strip();
    }

    /** uid and gid of the path itself (a link not followed). */
    private static long[] owners(Path p) throws IOException {
        Map<String, Object> a = Files.readAttributes(p, "unix:uid,gid", LinkOption.NOFOLLOW_LINKS);
        return new long[] {((Number) a.get("uid")).longValue(), ((Number) a.get("gid")).longValue()};
    }
}
