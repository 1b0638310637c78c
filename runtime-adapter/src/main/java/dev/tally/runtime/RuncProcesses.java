package dev.tally.runtime;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tally.domain.DomainException;
import dev.tally.domain.container.ContainerProcesses;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * {@link ContainerProcesses} through runc: {@code runc pause}/{@code resume} (the freezer cgroup on
 * v1, {@code cgroup.freeze} on v2), and {@code runc ps} for the pids in the container's cgroup, whose
 * rows of the host's {@code ps} are kept, as dockerd's {@code top} does.
 */
final class RuncProcesses implements ContainerProcesses {

    /** At most this many {@code ps} arguments, each at most this long. */
    private static final int MAX_ARGS = 32;
    private static final int MAX_ARG_LENGTH = 256;

    private final String runc;
    private final String runcRoot;
    private final String ps;
    private final ObjectMapper json = new ObjectMapper();

    /** The containers' bundles, where a freeze of the daemon's own is marked. */
    private final java.nio.file.Path bundles;

    RuncProcesses(String runc, String runcRoot, String ps, java.nio.file.Path bundles) {
        this.runc = runc;
        this.runcRoot = runcRoot;
        this.ps = ps;
        this.bundles = bundles;
    }

    /** The mark of a freeze of the daemon's own, in the container's bundle (gone with it). */
    private java.nio.file.Path mark(String id) {
        return bundles.resolve(id).resolve(PAUSED_BY_THE_DAEMON);
    }

    static final String PAUSED_BY_THE_DAEMON = "paused-by-tallyd";

    /** The mark first: a daemon stopped right after the freeze finds it, whatever the log says. */
    @Override
    public void pauseForTheDaemon(String id) {
        try {
            java.nio.file.Files.write(mark(id), new byte[0]);
        } catch (java.io.IOException e) {
            throw new DomainException(DomainException.Kind.FAILED, "mark container " + id + " as paused by the daemon: "
                    + e.getMessage(), e);
        }
        try {
            pause(id);
        } catch (RuntimeException e) {
            unmark(id);
            throw e;
        }
    }

    @Override
    public java.util.Set<String> pausedByTheDaemon() {
        if (!java.nio.file.Files.isDirectory(bundles)) {
            return java.util.Set.of();
        }
        try (java.util.stream.Stream<java.nio.file.Path> all = java.nio.file.Files.list(bundles)) {
            return all.filter(b -> java.nio.file.Files.exists(b.resolve(PAUSED_BY_THE_DAEMON),
                    java.nio.file.LinkOption.NOFOLLOW_LINKS)).map(b -> b.getFileName().toString())
                    .collect(java.util.stream.Collectors.toSet());
        } catch (java.io.IOException e) {
            throw new DomainException(DomainException.Kind.FAILED, "list the containers paused by the daemon: "
                    + e.getMessage(), e);
        }
    }

    private void unmark(String id) {
        try {
            java.nio.file.Files.deleteIfExists(mark(id));
        } catch (java.io.IOException e) {
            throw new DomainException(DomainException.Kind.FAILED, "unmark container " + id + " as paused by the daemon: "
                    + e.getMessage(), e);
        }
    }

    @Override
    public void pause(String id) {
        runc("pause", id);
    }

    @Override
    public void resume(String id) {
        HostCommand r = HostCommand.run(List.of(runc, "--root", runcRoot, "resume", id));
        String said = HostCommand.runcMessage(r.stderr());
        if (!r.ok() && !said.contains("not paused")) {
            throw failed("resume", id, r);
        }
        unmark(id);
    }

    @Override
    public ProcessTable top(String id, List<String> psArgs) {
        List<String> args = psArgs.isEmpty() ? List.of("-ef") : psArgs;
        if (args.size() > MAX_ARGS) {
            throw DomainException.invalid("too many ps arguments (at most " + MAX_ARGS + ")");
        }
        for (String a : args) {
            if (a.length() > MAX_ARG_LENGTH || a.chars().anyMatch(c -> c < 0x20 || c == 0x7f)) {
                throw DomainException.invalid("ps argument not accepted: " + a.substring(0, Math.min(a.length(), 64)));
            }
        }
        Set<String> pids = pids(id);
        List<String> argv = new ArrayList<>();
        argv.add(ps);
        argv.addAll(args);
        // as dockerd: the container's pids selected (-q), so that options that select nothing themselves
        // (-o alone) show them; some options cannot go with -q, so without it if ps refuses
        HostCommand r = pids.isEmpty() ? HostCommand.run(argv) : HostCommand.run(withPids(argv, pids));
        if (!r.ok()) {
            r = HostCommand.run(argv);
        }
        if (!r.ok()) {
            throw DomainException.invalid("ps " + String.join(" ", args) + " failed: " + r.stderr().strip());
        }
        return parse(r.stdout(), pids);
    }

    private static List<String> withPids(List<String> argv, Set<String> pids) {
        List<String> withPids = new ArrayList<>(argv);
        withPids.add("-q" + String.join(",", new java.util.TreeSet<>(pids)));
        return withPids;
    }

    /** The host pids in the container's cgroup. */
    private Set<String> pids(String id) {
        HostCommand r = HostCommand.run(List.of(runc, "--root", runcRoot, "ps", "--format", "json", id));
        if (!r.ok()) {
            throw failed("ps", id, r);
        }
        Set<String> pids = new HashSet<>();
        try {
            for (JsonNode pid : json.readTree(r.stdout())) {
                pids.add(pid.asText());
            }
        } catch (IOException e) {
            throw new DomainException(DomainException.Kind.FAILED, "parse runc ps of " + id + ": " + e.getMessage(), e);
        }
        return pids;
    }

    /**
     * dockerd's reading of ps: the header's fields are the titles, the PID column finds the rows of the
     * container's processes, and a row's fields beyond the titles belong to its last column (a command
     * line with spaces).
     */
    static ProcessTable parse(String output, Set<String> pids) {
        String[] lines = output.split("\n");
        if (lines.length == 0 || lines[0].isBlank()) {
            throw new DomainException(DomainException.Kind.FAILED, "ps printed nothing");
        }
        List<String> titles = List.of(lines[0].trim().split("\\s+"));
        int pidColumn = titles.indexOf("PID");
        if (pidColumn < 0) {
            throw DomainException.invalid("Couldn't find PID field in ps output");
        }
        List<List<String>> rows = new ArrayList<>();
        for (int i = 1; i < lines.length; i++) {
            if (lines[i].isBlank()) {
                continue;
            }
            String[] fields = lines[i].trim().split("\\s+", titles.size());
            if (fields.length > pidColumn && pids.contains(fields[pidColumn])) {
                rows.add(List.of(fields));
            }
        }
        return new ProcessTable(titles, rows);
    }

    private void runc(String verb, String id) {
        HostCommand r = HostCommand.run(List.of(runc, "--root", runcRoot, verb, id));
        if (!r.ok()) {
            throw failed(verb, id, r);
        }
    }

    private static DomainException failed(String verb, String id, HostCommand r) {
        String said = HostCommand.runcMessage(r.stderr());
        if (said.contains("not running") || said.contains("does not exist") || said.contains("stopped")) {
            return DomainException.conflict("Container " + id + " is not running");
        }
        return new DomainException(DomainException.Kind.FAILED, "runc " + verb + " " + id + " failed: "
                + (said.isEmpty() ? "exit " + r.exitCode() + " without a message" : said));
    }
}
