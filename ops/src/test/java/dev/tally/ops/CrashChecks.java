package dev.tally.ops;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

/**
 * What the crash series checks after each restart of tallyd, and on the host at its end. Each
 * acknowledged request is in the log (Docker's /events, read from the start) and in the read
 * models ({@code ps -a}, {@code volume ls}); nothing is in the log twice; what should run runs, on
 * the host too, and no container process runs that the daemon does not show running; the hash
 * chain verifies.
 */
final class CrashChecks {

    /** What was found of the acknowledged requests, and what was wrong. */
    record Outcome(int found, List<String> problems, Map<String, String[]> psByName, Map<String, String[]> psById,
            Set<String> volumes) {
    }

    private final Daemon daemon;
    private final long marker;
    /** Recoveries that failed, as the audit log has them, already reported. */
    private final Set<String> failedRecoveries = new HashSet<>();
    /** The checks of what the remapped users' clients did, once there are some. */
    private CrashRemapChecks remap;

    CrashChecks(Daemon daemon, long marker) {
        this.daemon = daemon;
        this.marker = marker;
    }

    Outcome afterRestart(CrashWorkload load) throws IOException {
        List<String> problems = new ArrayList<>();
        Map<String, Integer> log = eventCounts(problems);
        Map<String, String[]> psById = new HashMap<>();
        Map<String, String[]> psByName = new HashMap<>();
        Daemon.Result ps = daemon.docker("ps", "-a", "--no-trunc", "--format", "{{.ID}} {{.Names}} {{.State}}");
        if (ps.code() != 0) {
            problems.add("ps -a: " + ps.err().strip());
        }
        for (String line : ps.out().strip().split("\n")) {
            String[] row = line.split(" ");
            if (row.length == 3) {
                psById.put(row[0], row);
                if (psByName.put(row[1], row) != null) {
                    problems.add("two containers are named " + row[1]);
                }
            }
        }
        Daemon.Result volumeList = daemon.docker("volume", "ls", "-q");
        if (volumeList.code() != 0) {
            problems.add("volume ls: " + volumeList.err().strip());
        }
        Set<String> volumes = Set.of(volumeList.out().strip().split("\n"));
        problems.addAll(anonymousOfNoContainer());
        int found = 0;
        for (CrashWorkload.Box b : load.boxes) {
            if (b.id == null) {
                continue;
            }
            found += acknowledgedOf(b, log, psById.get(b.id), problems);
            if (!b.removeAcked && b.uncertain.contains("rm") && psById.get(b.id) == null
                    && log.getOrDefault("container destroy " + b.id, 0) == 1) {
                System.out.println("crash series: " + b.name + ": a removal the kill cut short had been recorded "
                        + "and done (" + describe(b, log, null) + ")");
            }
            twice(b, log, problems);
            found += copiesOf(b, psById.get(b.id), problems);
        }
        for (CrashWorkload.Vol v : load.volumes) {
            int created = log.getOrDefault("volume create " + v.name, 0);
            if (created > 1) {
                problems.add("volume " + v.name + " was created " + created + " times in the log");
            }
            int destroyed = log.getOrDefault("volume destroy " + v.name, 0);
            if (destroyed > 1) {
                problems.add("volume " + v.name + " was removed " + destroyed + " times in the log");
            }
            if (v.acked && !v.removeAcked && !v.uncertain) {
                if (created == 1 && destroyed == 0 && volumes.contains(v.name)) {
                    found += v.resynced ? 0 : 1;
                } else {
                    problems.add("acknowledged volume " + v.name + ": " + created + " in the log, "
                            + (volumes.contains(v.name) ? "listed" : "not listed"));
                }
            }
            if (v.removeAcked && !v.uncertain) {
                if (destroyed == 1 && !volumes.contains(v.name)) {
                    found += v.resynced ? 1 : 2;
                } else {
                    problems.add("acknowledged volume rm " + v.name + ": " + destroyed + " removals in the log, "
                            + (volumes.contains(v.name) ? "still listed" : "not listed"));
                }
            }
        }
        found += imagesOf(load, problems);
        problems.addAll(hostMatches(psById));
        problems.addAll(new CrashHostChecks(daemon, marker).afterRestart(psById, createdIds(log)));
        if (!load.remapped.isEmpty()) {
            if (remap == null) {
                remap = new CrashRemapChecks(daemon, load.remapped);
            }
            CrashRemapChecks.Outcome theirs = remap.afterRestart(load, psById);
            found += theirs.found();
            problems.addAll(theirs.problems());
        }
        problems.addAll(failedRecoveries());
        Daemon.Result verify = daemon.tally("audit", "verify");
        if (verify.code() != 0) {
            problems.add("audit verify: " + verify.out().strip() + " " + verify.err().strip());
        }
        return new Outcome(found, problems, psByName, psById, volumes);
    }

    /**
     * How many of the box's acknowledged requests are in the log and the read model; what is missing
     * goes to problems. An acknowledged run is its create and start in the log, and the container in
     * {@code ps -a} unless the log has its removal: one acknowledged, or one a kill cut short after
     * the daemon had recorded it (the client was never answered, yet the removal happened; it is not
     * the run that was lost). A container missing from {@code ps -a} with no removal in the log is.
     */
    static int acknowledgedOf(CrashWorkload.Box b, Map<String, Integer> log, String[] ps, List<String> problems) {
        int found = 0;
        String who = b.name + " (" + b.id.substring(0, Math.min(12, b.id.length())) + ")";
        int starts = log.getOrDefault("container start " + b.id, 0);
        if (b.runAcked && b.oneShot) {
            if (log.getOrDefault("container create " + b.id, 0) == 1 && starts == 1
                    && log.getOrDefault("container die " + b.id + " exitCode=3", 0) == 1
                    && log.getOrDefault("container destroy " + b.id, 0) == 1 && ps == null) {
                found++;
            } else {
                problems.add("acknowledged run --rm of " + who + " (exit 3) is not in the log with its exit and "
                        + "removal, or it is still in ps -a: " + describe(b, log, ps) + ", exit 3 "
                        + log.getOrDefault("container die " + b.id + " exitCode=3", 0));
            }
        } else if (b.runAcked) {
            if (log.getOrDefault("container create " + b.id, 0) == 1 && starts >= 1
                    && (ps != null || log.getOrDefault("container destroy " + b.id, 0) == 1)) {
                found++;
            } else {
                problems.add("acknowledged run of " + who + " is not in the log or in ps -a: " + describe(b, log, ps));
            }
        }
        if (b.restartsAcked.get() > 0) {
            // a run the kill cut short may never have started: a restart is then its first start
            if (starts >= (b.runAcked ? 1 : 0) + b.restartsAcked.get()) {
                found += b.restartsAcked.get();
            } else {
                problems.add(b.restartsAcked.get() + " acknowledged restarts of " + who + ", " + starts
                        + " starts in the log: " + describe(b, log, ps));
            }
        }
        for (var acked : List.of(Map.entry("pause", b.pausesAcked), Map.entry("unpause", b.unpausesAcked),
                Map.entry("rename", b.renamesAcked))) {
            int n = log.getOrDefault("container " + acked.getKey() + " " + b.id, 0);
            if (n >= acked.getValue().get()) {
                found += acked.getValue().get();
            } else {
                problems.add(acked.getValue().get() + " acknowledged " + acked.getKey() + "s of " + who + ", " + n
                        + " in the log");
            }
        }
        if (ps != null && b.nameCertain && !ps[1].equals(b.name)) {
            problems.add(who + " is named " + ps[1] + " in ps -a; its last acknowledged name is " + b.name);
        }
        int dies = log.getOrDefault("container die " + b.id, 0);
        if (b.stopsAcked.get() > 0) {
            if (dies >= 1) {
                found += b.stopsAcked.get();
            } else {
                problems.add("acknowledged stop of " + who + " left no exit in the log: " + describe(b, log, ps));
            }
        }
        int execs = log.getOrDefault("container exec_start " + b.id, 0);
        found += Math.min(execs, b.execsAcked.get());
        if (execs < b.execsAcked.get()) {
            problems.add(b.execsAcked.get() + " acknowledged execs in " + who + ", " + execs + " in the log");
        }
        if (b.removeAcked) {
            if (log.getOrDefault("container destroy " + b.id, 0) == 1 && ps == null) {
                found++;
            } else {
                problems.add("acknowledged rm of " + who + " is not in the log or it is still in ps -a: " + describe(b, log, ps));
            }
        }
        String state = ps == null ? "gone" : ps[2];
        boolean expected = switch (b.expect) {
            case RUNNING -> state.equals("running");
            case PAUSED -> state.equals("paused");
            case STOPPED -> state.equals("exited") || state.equals("created");
            case REMOVED -> state.equals("gone");
            case UNKNOWN -> true;
        };
        if (!expected) {
            problems.add(who + " should be " + b.expect + " but is " + state + ": " + describe(b, log, ps));
        }
        return found;
    }

    /**
     * Anonymous volumes (the run --rm containers' -v /scratch) that no listed container mounts; asked
     * again for up to 10 s, while an exit reported after the restart removes its container and then
     * its volumes.
     */
    private List<String> anonymousOfNoContainer() {
        List<List<String>> last = new ArrayList<>(List.of(List.of()));
        try {
            org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(10))
                    .pollInterval(java.time.Duration.ofMillis(250)).until(() -> {
                        List<String> ids = List.of(daemon.docker("ps", "-aq", "--no-trunc").out().strip().split("\\s+"));
                        Set<String> mounted = new HashSet<>();
                        if (!ids.get(0).isEmpty()) {
                            List<String> inspect = new ArrayList<>(List.of("inspect", "--format",
                                    "{{range .Mounts}}{{.Name}} {{end}}"));
                            inspect.addAll(ids);
                            mounted.addAll(List.of(daemon.docker(inspect.toArray(String[]::new)).out().split("\\s+")));
                        }
                        last.set(0, daemon.docker("volume", "ls", "--format", "{{.Name}} {{.Labels}}").out().lines()
                                .filter(l -> l.contains("com.docker.volume.anonymous")).map(l -> l.split(" ")[0])
                                .filter(v -> !mounted.contains(v)).map(v -> "anonymous volume of no container: " + v)
                                .toList());
                        return last.get(0).isEmpty();
                    });
        } catch (org.awaitility.core.ConditionTimeoutException e) {
            // reported below
        }
        return last.get(0);
    }

    /** Each file an acknowledged {@code cp} put in a container still listed is there with its content. */
    private int copiesOf(CrashWorkload.Box b, String[] ps, List<String> problems) {
        if (ps == null) {
            return 0;
        }
        int found = 0;
        for (Map.Entry<String, String> f : b.copied.entrySet()) {
            Daemon.Result read = daemon.docker("cp", b.id + ":" + f.getKey(), "-");
            if (read.code() == 0 && read.out().contains(f.getValue())) {
                found++;
            } else {
                problems.add("acknowledged cp of " + f.getKey() + " into " + b.name + " (" + ps[2] + "): "
                        + (read.code() == 0 ? "not its content" : read.err().strip()));
            }
        }
        return found;
    }

    /**
     * Each image reference acknowledged (commit, import, tag) names its image, and the image is whole:
     * its record, its config and every layer it names are in the store. Each acknowledged rmi's
     * reference is gone.
     */
    private int imagesOf(CrashWorkload load, List<String> problems) {
        int found = 0;
        for (CrashWorkload.Img i : load.images) {
            if (i.uncertain || !i.acked) {
                continue;
            }
            Daemon.Result inspect = daemon.docker("image", "inspect", "--format",
                    "{{.Id}} {{range .RootFS.Layers}}{{.}} {{end}}", i.ref);
            if (i.removeAcked) {
                if (inspect.code() == 0) {
                    problems.add("acknowledged rmi of " + i.ref + ": it still names " + inspect.out().strip());
                } else {
                    found += i.resynced ? 1 : 2; // the reference was made (acknowledged) and is gone
                }
                continue;
            }
            if (inspect.code() != 0) {
                problems.add("acknowledged " + i.how + " of " + i.ref + " (" + i.id + "): " + inspect.err().strip());
                continue;
            }
            String[] words = inspect.out().strip().split(" ");
            List<String> missing = new ArrayList<>();
            if (i.id != null && !words[0].equals(i.id)) {
                missing.add("it names " + words[0] + ", not " + i.id);
            }
            Path data = daemon.root.resolve("data");
            String hex = words[0].replaceFirst("^sha256:", "");
            for (Path p : List.of(data.resolve("images/" + hex + ".json"), data.resolve("blobs/sha256/" + hex))) {
                if (!Files.isRegularFile(p)) {
                    missing.add("no " + data.relativize(p));
                }
            }
            for (int l = 1; l < words.length; l++) {
                Path tree = data.resolve("layers/" + words[l].replaceFirst("^sha256:", ""));
                if (!Files.isDirectory(tree)) {
                    missing.add("no layer " + data.relativize(tree));
                }
            }
            if (missing.isEmpty()) {
                found += i.resynced ? 0 : 1;
            } else {
                problems.add("acknowledged " + i.how + " of " + i.ref + ": " + String.join(", ", missing));
            }
        }
        return found;
    }

    /** The ids of every container the log has a create of. */
    private static Set<String> createdIds(Map<String, Integer> log) {
        Set<String> ids = new HashSet<>();
        log.keySet().stream().filter(k -> k.startsWith("container create ")).forEach(k -> ids.add(k.substring(17)));
        return ids;
    }

    /** What the log and ps say of the box, and which of its calls a kill cut short. */
    static String describe(CrashWorkload.Box b, Map<String, Integer> log, String[] ps) {
        StringBuilder d = new StringBuilder();
        for (String action : List.of("create", "start", "die", "destroy")) {
            d.append(action).append(' ').append(log.getOrDefault("container " + action + " " + b.id, 0)).append(", ");
        }
        return d.append("ps ").append(ps == null ? "none" : ps[2]).append(", cut short: ")
                .append(b.uncertain.isEmpty() ? "none" : String.join(" ", b.uncertain)).toString();
    }

    /** Each container is created, started, ends and is destroyed at most once; no exec is in the log twice. */
    private static void twice(CrashWorkload.Box b, Map<String, Integer> log, List<String> problems) {
        for (String action : List.of("create", "destroy")) {
            int n = log.getOrDefault("container " + action + " " + b.id, 0);
            if (n > 1) {
                problems.add(b.name + ": " + n + " times '" + action + "' in the log");
            }
        }
        int starts = log.getOrDefault("container start " + b.id, 0);
        if (starts > 1 + b.restartsTried.get()) {
            problems.add(b.name + ": " + starts + " starts in the log, " + b.restartsTried.get() + " restarts asked for");
        }
        int dies = log.getOrDefault("container die " + b.id, 0);
        if (dies > starts) {
            problems.add(b.name + ": " + dies + " exits in the log, " + starts + " starts");
        }
        int execs = log.getOrDefault("container exec_start " + b.id, 0);
        if (execs > b.execsTried.get()) {
            problems.add(b.name + ": " + execs + " execs in the log, " + b.execsTried.get() + " asked for");
        }
    }

    /**
     * Containers whose recovery failed at a start (ContainerRecoveryFailed: the host could not be
     * asked, or what it said could not be recorded). Such a container keeps its state in the log
     * until a recheck, 10 s later, decides it: a check right after the restart could see a process
     * that the log does not yet have running, and the next round find it matched. Each is a problem
     * of its own, with the reason the daemon recorded.
     */
    private List<String> failedRecoveries() {
        Daemon.Result log = daemon.tally("audit", "log", "--action", "container.recover", "--format", "json");
        List<String> problems = new ArrayList<>();
        if (log.code() != 0) {
            problems.add("audit log --action container.recover: " + log.err().strip());
        }
        log.out().lines().filter(l -> !l.isBlank()).filter(failedRecoveries::add)
                .forEach(l -> problems.add("a recovery failed at the restart: " + l));
        return problems;
    }

    /** Docker's messages of the whole log, counted by "type action id". */
    private Map<String, Integer> eventCounts(List<String> problems) {
        Daemon.Result events = daemon.docker("events", "--since", "0", "--until", "0s", "--format",
                "{{.Type}} {{.Action}} {{.Actor.ID}} exitCode={{index .Actor.Attributes \"exitCode\"}}");
        if (events.code() != 0) {
            problems.add("events: " + events.err().strip());
        }
        Map<String, Integer> counts = new HashMap<>();
        events.out().lines().map(String::strip).forEach(line -> {
            String[] w = line.split(" ");
            if (w.length == 4) {
                counts.merge(w[0] + " " + w[1] + " " + w[2], 1, Integer::sum);
                if (w[1].equals("die")) {
                    counts.merge(line, 1, Integer::sum);
                }
            }
        });
        return counts;
    }

    /**
     * Each container ps shows running runs on the host (runc says so, with the process of this
     * series), and every process of this series on the host belongs to a container ps shows running.
     */
    private List<String> hostMatches(Map<String, String[]> psById) throws IOException {
        List<String> problems = new ArrayList<>();
        Set<Long> shown = new HashSet<>();
        for (String[] row : psById.values()) {
            if (row[2].equals("running") || row[2].equals("paused")) {
                Daemon.Result state = Daemon.exec(List.of("runc", "--root", daemon.root.resolve("run/runc").toString(),
                        "state", row[0]), Map.of());
                java.util.regex.Matcher pid = java.util.regex.Pattern.compile("\"pid\": *([0-9]+)").matcher(state.out());
                if (state.code() != 0 || !state.out().contains("\"" + row[2] + "\"") || !pid.find()) {
                    problems.add(row[1] + " is " + row[2] + " in ps but not on the host: " + state.out().strip()
                            + state.err().strip());
                } else {
                    shown.add(Long.parseLong(pid.group(1)));
                }
            }
        }
        for (long pid : processes("sleep\0" + marker + "\0")) {
            if (!shown.contains(pid)) {
                problems.add("process " + pid + " (sleep " + marker + ") runs, but no container ps shows running is it"
                        + whose(pid, psById));
            }
        }
        return problems;
    }

    /** Which container runc says the process is, and what ps -a and the log's last events say of it. */
    private String whose(long pid, Map<String, String[]> psById) {
        Daemon.Result list = Daemon.exec(List.of("runc", "--root", daemon.root.resolve("run/runc").toString(), "list",
                "--format", "json"), Map.of());
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("\"id\":\"([0-9a-f]+)\",\"pid\":" + pid + "[,}]")
                .matcher(list.out().replace(" ", ""));
        if (!m.find()) {
            return " (runc knows no container with that pid)";
        }
        String id = m.group(1);
        String[] row = psById.get(id);
        Daemon.Result events = daemon.docker("events", "--since", "0", "--until", "0s", "--filter", "container=" + id,
                "--format", "{{.Action}}");
        return " (container " + id.substring(0, 12) + ", ps -a: " + (row == null ? "none" : row[2]) + ", its events: "
                + String.join(" ", events.out().strip().split("\n")) + ")";
    }

    /** Pids of the processes whose command line is exactly this (arguments NUL-terminated). */
    static List<Long> processes(String cmdline) throws IOException {
        List<Long> pids = new ArrayList<>();
        try (Stream<Path> procs = Files.list(Path.of("/proc"))) {
            for (Path p : (Iterable<Path>) procs::iterator) {
                String name = p.getFileName().toString();
                if (name.matches("[0-9]+")) {
                    try {
                        if (Files.readString(p.resolve("cmdline"), java.nio.charset.StandardCharsets.ISO_8859_1)
                                .equals(cmdline)) {
                            pids.add(Long.parseLong(name));
                        }
                    } catch (IOException gone) {
                        // ended while listed
                    }
                }
            }
        }
        return pids;
    }

    /**
     * After {@code rm -f} of everything: nothing of the containers left on the host (overlay mounts
     * under the root, cgroups, runc state, conmon processes, container processes).
     */
    List<String> leftovers(List<String> ids) throws IOException {
        List<String> problems = new ArrayList<>();
        String root = daemon.root.toString();
        Files.readAllLines(Path.of("/proc/mounts")).stream().filter(l -> l.contains(" " + root + "/"))
                .forEach(l -> problems.add("mount left: " + l));
        dev.tally.runtime.CgroupHierarchy cgroups = dev.tally.runtime.CgroupHierarchy.host();
        for (String id : ids) {
            cgroups.container(id).directories().forEach(d -> problems.add("cgroup left: " + d));
        }
        Path runc = daemon.root.resolve("run/runc");
        if (Files.isDirectory(runc)) {
            try (Stream<Path> states = Files.list(runc)) {
                states.forEach(s -> problems.add("runc state left: " + s));
            }
        }
        try (Stream<Path> procs = Files.list(Path.of("/proc"))) {
            for (Path p : (Iterable<Path>) procs::iterator) {
                if (p.getFileName().toString().matches("[0-9]+")) {
                    try {
                        String comm = Files.readString(p.resolve("comm")).strip();
                        String cmd = Files.readString(p.resolve("cmdline")).replace('\0', ' ');
                        if (comm.equals("conmon") && cmd.contains(root)) {
                            problems.add("conmon left: " + p.getFileName() + " " + cmd);
                        }
                    } catch (IOException gone) {
                        // ended while listed
                    }
                }
            }
        }
        processes("sleep\0" + marker + "\0").forEach(pid -> problems.add("container process left: " + pid));
        return problems;
    }
}
