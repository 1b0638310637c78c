package dev.tally.ops;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * What the crash series checks on the host after each restart, beyond the log and the read models:
 * nothing is left of what no live container holds. No mount under the data root but those of running
 * (or paused) containers; no process naming the data root (conmon, runc) but of such a container; no
 * process in the cgroup of a container that does not run; no cgroup of a container that does not
 * run; no exit file left unrecorded; nothing under the data root's {@code tmp/} and no partial write among the image store's
 * blobs, layers and records; {@code docker images} answers and every image it lists runs.
 */
final class CrashHostChecks {

    private static final Pattern CGROUP = Pattern.compile("/tally/([0-9a-f]{64})");
    private static final Pattern HEX = Pattern.compile("[0-9a-f]{64}");

    private final Daemon daemon;
    private final long marker;

    CrashHostChecks(Daemon daemon, long marker) {
        this.daemon = daemon;
        this.marker = marker;
    }

    /**
     * @param psById  {@code ps -a} as the restart left it: id, name, state
     * @param created every container id the log has a create of
     */
    List<String> afterRestart(Map<String, String[]> psById, Set<String> created) throws IOException {
        Set<String> live = new HashSet<>();
        psById.forEach((id, row) -> {
            if (row[2].equals("running") || row[2].equals("paused")) {
                live.add(id);
            }
        });
        // what the restart's own work still ends (a monitor writing an exit, a release) gets a moment
        List<List<String>> last = new ArrayList<>(List.of(List.of()));
        try {
            org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(250))
                    .until(() -> {
                        last.set(0, leftovers(live, created));
                        return last.get(0).isEmpty();
                    });
        } catch (org.awaitility.core.ConditionTimeoutException e) {
            // reported below
        }
        List<String> problems = new ArrayList<>(last.get(0));
        problems.addAll(imageStore());
        problems.addAll(imagesRun());
        return problems;
    }

    private List<String> leftovers(Set<String> live, Set<String> created) throws IOException {
        List<String> problems = new ArrayList<>();
        Path containers = daemon.root.resolve("data/containers");
        for (String mount : DeadRuns.mountsUnder(daemon.root)) {
            Path p = Path.of(mount);
            if (!p.startsWith(containers) || p.getNameCount() <= containers.getNameCount()
                    || !live.contains(p.getName(containers.getNameCount()).toString())) {
                problems.add("mount of no running container: " + mount);
            }
        }
        for (ProcessHandle p : DeadRuns.namers(daemon.root)) {
            String cmd = DeadRuns.cmdline(p).orElse("");
            if (!cmd.isEmpty() && !cmd.contains(" dev.tally.ops.Tallyd ") && live.stream().noneMatch(cmd::contains)) {
                problems.add("process of no running container: " + p.pid() + " " + cmd);
            }
        }
        try (Stream<Path> procs = Files.list(Path.of("/proc"))) {
            for (Path p : (Iterable<Path>) procs::iterator) {
                if (!p.getFileName().toString().matches("[0-9]+")) {
                    continue;
                }
                try {
                    Matcher m = CGROUP.matcher(Files.readString(p.resolve("cgroup")));
                    if (m.find() && created.contains(m.group(1)) && !live.contains(m.group(1))) {
                        problems.add("process " + p.getFileName() + " (" + Files.readString(p.resolve("cmdline"))
                                .replace('\0', ' ').strip() + ") in the cgroup of " + m.group(1).substring(0, 12)
                                + ", which does not run");
                    }
                } catch (IOException gone) {
                    // ended while listed
                }
            }
        }
        for (long pid : CrashChecks.processes("sleep\0" + (marker + 1) + "\0")) {
            String cgroup = cgroupOf(pid);
            Matcher m = CGROUP.matcher(cgroup);
            if (!m.find() || !live.contains(m.group(1))) {
                problems.add("exec -d process " + pid + " runs outside a running container: " + cgroup.strip());
            }
        }
        dev.tally.runtime.CgroupHierarchy cgroups = dev.tally.runtime.CgroupHierarchy.host();
        for (String id : created) {
            if (!live.contains(id)) {
                cgroups.container(id).directories().forEach(d -> problems.add("cgroup of " + id.substring(0, 12)
                        + ", which does not run: " + d));
            }
        }
        // an exit is recorded, then its file deleted with the release: a file left is an exit no record took
        for (Path exit : list(daemon.root.resolve("data/exits"))) {
            problems.add("exit file left: " + exit.getFileName().toString().substring(0,
                    Math.min(12, exit.getFileName().toString().length())));
        }
        // a leftover's removal is marked, recorded, done, then its mark deleted: a mark left is one unfinished
        Path marks = daemon.root.resolve("data/leftovers");
        if (Files.isDirectory(marks)) {
            try (Stream<Path> all = Files.walk(marks)) {
                all.filter(Files::isRegularFile).forEach(m -> problems.add("leftover mark left: " + marks.relativize(m)));
            }
        }
        Path tmp = daemon.root.resolve("data/tmp");
        if (Files.isDirectory(tmp)) {
            try (Stream<Path> left = Files.list(tmp)) {
                left.forEach(p -> problems.add("left in the data root's tmp/: " + p.getFileName()));
            }
        }
        return problems;
    }

    private static String cgroupOf(long pid) {
        try {
            return Files.readString(Path.of("/proc", Long.toString(pid), "cgroup"));
        } catch (IOException gone) {
            return "(ended)";
        }
    }

    /** Blobs named by the digest of what they hold; layers and records by a digest; nothing else. */
    private List<String> imageStore() throws IOException {
        List<String> problems = new ArrayList<>();
        Path data = daemon.root.resolve("data");
        for (Path blob : list(data.resolve("blobs/sha256"))) {
            String name = blob.getFileName().toString();
            if (!HEX.matcher(name).matches()) {
                problems.add("not a blob: " + data.relativize(blob));
            } else if (!name.equals(sha256(blob))) {
                problems.add("blob whose content is not its digest (a partial write): " + data.relativize(blob));
            }
        }
        for (Path layer : list(data.resolve("layers"))) {
            String name = layer.getFileName().toString();
            boolean tree = HEX.matcher(name).matches() && Files.isDirectory(layer);
            boolean facts = name.endsWith(".json") && HEX.matcher(name.substring(0, name.length() - 5)).matches();
            if (!tree && !facts) {
                problems.add("not a layer: " + data.relativize(layer));
            }
        }
        for (Path record : list(data.resolve("images"))) {
            String name = record.getFileName().toString();
            if (!name.endsWith(".json") || !HEX.matcher(name.substring(0, name.length() - 5)).matches()) {
                problems.add("not an image record: " + data.relativize(record));
            }
        }
        return problems;
    }

    /** {@code docker images} answers, and a container of each image it lists runs ({@code true}). */
    private List<String> imagesRun() {
        Daemon.Result images = daemon.docker("images", "-q", "--no-trunc");
        if (images.code() != 0) {
            return List.of("images: " + images.err().strip());
        }
        // at once: each is mostly waiting for its container's start and end
        return images.out().strip().lines().distinct().parallel().map(id -> {
            Daemon.Result run = daemon.docker("run", "--rm", id, "true");
            return run.code() == 0 ? null : "image " + id + " does not run: " + run.err().strip();
        }).filter(java.util.Objects::nonNull).toList();
    }

    private static List<Path> list(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        try (Stream<Path> entries = Files.list(dir)) {
            return entries.toList();
        }
    }

    private static String sha256(Path file) throws IOException {
        try (var in = Files.newInputStream(file)) {
            java.security.MessageDigest digest = java.security.MessageDigest.getInstance("SHA-256");
            byte[] buffer = new byte[1 << 16];
            for (int n; (n = in.read(buffer)) > 0; ) {
                digest.update(buffer, 0, n);
            }
            return java.util.HexFormat.of().formatHex(digest.digest());
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256", e);
        }
    }
}
