package dev.tally.ops;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The crash series' load: several clients at once, each a loop of docker CLI calls on its own
 * containers, images and volumes (run -d, run --rm with an anonymous volume, exec, exec -d, stop, kill, restart, pause,
 * unpause, rename, cp into, rm -f; commit, import, tag, rmi; volume create and rm), and the record
 * of what each call was answered. A call answered with success is acknowledged: the daemon promised
 * it. A call that failed once the daemon was killed is uncertain: it may or may not have happened,
 * so the object it touched is expected in no particular state until it is looked at again
 * ({@link #resync}). A call that failed while the daemon was up is a problem.
 */
final class CrashWorkload {

    enum Expect { RUNNING, PAUSED, STOPPED, REMOVED, UNKNOWN }

    /** A container of the workload, by the name it was last given. */
    static final class Box {
        /** The remapped user whose client made it; null for root's. */
        final String owner;
        volatile String name;
        /** Whether {@link #name} is the name the daemon has: false after a rename a kill cut short. */
        volatile boolean nameCertain = true;
        volatile String id;
        volatile Expect expect = Expect.UNKNOWN;
        volatile boolean runAcked;
        volatile boolean removeAcked;
        /** A {@code run --rm} of a short command: acknowledged, its exit (3) and removal are in the log. */
        volatile boolean oneShot;
        final AtomicInteger stopsAcked = new AtomicInteger();
        final AtomicInteger execsAcked = new AtomicInteger();
        final AtomicInteger execsTried = new AtomicInteger();
        /** Starts asked for beyond the first (restart), acknowledged and tried. */
        final AtomicInteger restartsAcked = new AtomicInteger();
        final AtomicInteger restartsTried = new AtomicInteger();
        /** Acknowledged pauses, unpauses and renames: each an event in the log. */
        final AtomicInteger pausesAcked = new AtomicInteger();
        final AtomicInteger unpausesAcked = new AtomicInteger();
        final AtomicInteger renamesAcked = new AtomicInteger();
        /** Files copied in with an acknowledged {@code cp}: path in the container, its content. */
        final Map<String, String> copied = new ConcurrentHashMap<>();
        /** The calls on this container that a kill cut short (each may or may not have happened). */
        final List<String> uncertain = new CopyOnWriteArrayList<>();

        Box(String name) {
            this(name, null);
        }

        Box(String name, String owner) {
            this.name = name;
            this.owner = owner;
        }
    }

    /** A named volume of the workload. */
    static final class Vol {
        final String name;
        /** The remapped user whose client made it; null for root's. */
        final String owner;
        volatile boolean acked;
        volatile boolean removeAcked;
        /** Its create or rm was cut short: it may be there or not. */
        volatile boolean uncertain;
        /** Known from what the daemon listed after a cut call, not from an answer to its create. */
        volatile boolean resynced;

        Vol(String name, String owner) {
            this.name = name;
            this.owner = owner;
        }
    }

    /** An image reference of the workload (a commit's, an import's or a tag's) and the image it names. */
    static final class Img {
        final String ref;
        final String how;
        /** The remapped user whose client made it; null for root's. */
        final String owner;
        /** The image's id when the call that made the reference was answered; null when not known. */
        volatile String id;
        volatile boolean acked;
        volatile boolean removeAcked;
        volatile boolean uncertain;
        /** Known from what the daemon listed after a cut call, not from an answer to its making. */
        volatile boolean resynced;

        Img(String ref, String how, String owner) {
            this.ref = ref;
            this.how = how;
            this.owner = owner;
        }

        boolean present() {
            return acked && !removeAcked && !uncertain;
        }
    }

    /**
     * A request a remapped user made on another user's container: refused as if the container did not
     * exist, and recorded (an {@code AccessDenied} in the audit log) before the refusal was answered.
     */
    record Denial(String user, String verb, String id, java.time.Instant answered) {
    }

    private final Daemon daemon;
    private final int clients;
    /** The users of the clients after root's, one each: non-admins in group tally, remapped. */
    final List<String> remapped;
    final List<Denial> denialsAcked = new CopyOnWriteArrayList<>();
    private final long marker;
    private final Random random;
    final List<Box> boxes = new CopyOnWriteArrayList<>();
    final List<Vol> volumes = new CopyOnWriteArrayList<>();
    final List<Img> images = new CopyOnWriteArrayList<>();
    /** What each client is waiting for an answer to, now. */
    private final Map<Integer, String> inFlight = new ConcurrentHashMap<>();
    private final List<String> problems = new CopyOnWriteArrayList<>();
    private final AtomicInteger acknowledged = new AtomicInteger();
    private final AtomicInteger named = new AtomicInteger();
    private volatile long killedAt;
    private volatile boolean stopping;

    /**
     * @param marker the containers run {@code sleep MARKER} (and {@code exec -d} runs {@code sleep
     *               MARKER+1} in them), so that their processes can be told from any other on the host
     */
    CrashWorkload(Daemon daemon, int clients, long marker, Random random) {
        this(daemon, clients, List.of(), marker, random);
    }

    /**
     * @param remapped users (group tally, not admins: their containers run in a user namespace on their
     *                 subordinate range) who each run one client more, after root's {@code clients}
     */
    CrashWorkload(Daemon daemon, int clients, List<String> remapped, long marker, Random random) {
        this.daemon = daemon;
        this.clients = clients;
        this.remapped = List.copyOf(remapped);
        this.marker = marker;
        this.random = random;
    }

    /** The user client {@code client} runs as: null for root. */
    String userOf(int client) {
        return client < clients ? null : remapped.get(client - clients);
    }

    /** The docker CLI as the client's user, on the daemon's socket. */
    private Daemon.Result docker(int client, String... args) {
        String user = userOf(client);
        return user == null ? daemon.docker(args) : HostUsers.docker(daemon, user, args);
    }

    /** Where the client's files go (cid files, files to copy in): a directory its user owns. */
    private Path filesOf(int client) throws IOException {
        String user = userOf(client);
        Path dir = daemon.root.resolve(user == null ? "cids" : "cids-" + user);
        if (!Files.isDirectory(dir)) {
            Files.createDirectories(dir);
            if (user != null) {
                Files.setOwner(dir, dir.getFileSystem().getUserPrincipalLookupService().lookupPrincipalByName(user));
            }
        }
        return dir;
    }

    /** The clients, started; each runs until {@link #killed} is called. */
    List<Future<?>> start(ExecutorService pool) {
        killedAt = 0;
        stopping = false;
        List<Future<?>> running = new ArrayList<>();
        for (int c = 0; c < clients + remapped.size(); c++) {
            int client = c;
            Random own = new Random(random.nextLong());
            running.add(pool.submit(() -> {
                while (!stopping) {
                    step(client, own);
                }
                return null;
            }));
        }
        return running;
    }

    /** Called just before the daemon is killed: the calls under way then are uncertain, none follows. */
    String killed() {
        String under = String.join(",", new ArrayList<>(inFlight.values()));
        killedAt = System.nanoTime();
        stopping = true;
        return under.isEmpty() ? "-" : under;
    }

    /** Waits for the clients' last calls to end. */
    static void join(List<Future<?>> running) throws Exception {
        for (Future<?> f : running) {
            f.get(180, TimeUnit.SECONDS);
        }
    }

    int acknowledged() {
        return acknowledged.get();
    }

    /** The problems seen so far, emptied. */
    List<String> drainProblems() {
        List<String> seen = new ArrayList<>(problems);
        problems.removeAll(seen);
        return seen;
    }

    private static <T> T any(List<T> of, Random r) {
        return of.get(r.nextInt(of.size()));
    }

    private void step(int client, Random r) throws IOException {
        String mark = "cs" + client + "-";
        List<Box> mine = boxes.stream().filter(b -> b.name.startsWith(mark) && !b.oneShot).toList();
        List<Box> running = mine.stream().filter(b -> b.expect == Expect.RUNNING).toList();
        List<Box> paused = mine.stream().filter(b -> b.expect == Expect.PAUSED).toList();
        List<Box> stopped = mine.stream().filter(b -> b.expect == Expect.STOPPED).toList();
        List<Box> present = mine.stream().filter(b -> b.expect == Expect.RUNNING || b.expect == Expect.STOPPED
                || b.expect == Expect.PAUSED).toList();
        List<Box> unpaused = mine.stream().filter(b -> b.expect == Expect.RUNNING || b.expect == Expect.STOPPED).toList();
        List<Img> myImages = images.stream().filter(i -> i.ref.startsWith("ci" + client + "-") && i.present()).toList();
        List<Vol> myVolumes = volumes.stream().filter(v -> v.name.startsWith("cv" + client + "-") && v.acked
                && !v.removeAcked && !v.uncertain).toList();
        String user = userOf(client);
        if (user != null && r.nextInt(100) < 6) {
            deny(client, user, r);
            return;
        }
        int roll = r.nextInt(100);
        if (roll < 18 && running.size() < 3 || running.isEmpty() && present.size() < 4 && roll < 50) {
            Box b = new Box(mark + named.incrementAndGet(), user);
            boxes.add(b);
            // a remapped user's with an anonymous volume, which their range owns and rm -v takes; now and then
            // of an image of theirs, whose files are first shifted into their range (an ownership layer)
            boolean own = user != null && !myImages.isEmpty() && r.nextInt(3) == 0;
            call(client, "run", b, null, null, 0, user == null
                    ? new String[] {"run", "-d", "--name", b.name, "busybox", "sleep", Long.toString(marker)}
                    : own ? new String[] {"run", "-d", "--name", b.name, any(myImages, r).ref, "sleep", Long.toString(marker)}
                    : new String[] {"run", "-d", "--name", b.name, "-v", "/data", "busybox", "sleep", Long.toString(marker)});
        } else if (roll < 23) {
            Box b = new Box(mark + named.incrementAndGet(), user);
            b.oneShot = true;
            Path cid = filesOf(client).resolve(b.name);
            boxes.add(b);
            // with an anonymous volume, which goes with the container
            call(client, "run --rm", b, null, null, 3, "run", "--rm", "--cidfile", cid.toString(), "--name", b.name,
                    "-v", "/scratch", "busybox", "sh", "-c", "exit 3");
        } else if (roll < 33 && !running.isEmpty()) {
            Box b = any(running, r);
            b.execsTried.incrementAndGet();
            call(client, "exec", b, null, null, 0, "exec", b.id, "true");
        } else if (roll < 37 && !running.isEmpty()) {
            Box b = any(running, r);
            b.execsTried.incrementAndGet();
            call(client, "exec -d", b, null, null, 0, "exec", "-d", b.id, "sleep", Long.toString(marker + 1));
        } else if (roll < 43 && !running.isEmpty()) {
            Box b = any(running, r);
            call(client, "stop", b, null, null, 0, "stop", "-t", "1", b.id);
        } else if (roll < 47 && !running.isEmpty()) {
            Box b = any(running, r);
            call(client, "kill", b, null, null, 0, "kill", b.id);
        } else if (roll < 51 && !unpaused.isEmpty()) {
            Box b = any(unpaused, r);
            b.restartsTried.incrementAndGet();
            call(client, "restart", b, null, null, 0, "restart", "-t", "1", b.id);
        } else if (roll < 55 && !running.isEmpty()) {
            Box b = any(running, r);
            call(client, "pause", b, null, null, 0, "pause", b.id);
        } else if (roll < 59 && !paused.isEmpty()) {
            Box b = any(paused, r);
            call(client, "unpause", b, null, null, 0, "unpause", b.id);
        } else if (roll < 62 && !present.isEmpty()) {
            Box b = any(present, r);
            String to = mark + named.incrementAndGet();
            call(client, "rename " + to, b, null, null, 0, "rename", b.id, to);
        } else if (roll < 66 && !unpaused.isEmpty()) {
            Box b = any(unpaused, r);
            String file = "cp" + named.incrementAndGet();
            Path host = filesOf(client).resolve(file);
            Files.writeString(host, file + " " + marker + "\n");
            call(client, "cp " + file, b, null, null, 0, "cp", host.toString(), b.id + ":/" + file);
        } else if (roll < 74 && !present.isEmpty()) {
            Box b = any(present, r);
            call(client, "rm", b, null, null, 0, user == null ? new String[] {"rm", "-f", b.id}
                    : new String[] {"rm", "-f", "-v", b.id});
        } else if (roll < 78 && !unpaused.isEmpty() && myImages.size() < 2) {
            Box b = any(unpaused, r);
            Img i = new Img("ci" + client + "-" + named.incrementAndGet() + ":c", "commit", user);
            images.add(i);
            // the commit freezes a running container while it reads it: cut short, it runs again after the restart
            call(client, "commit", null, null, i, 0, "commit", b.id, i.ref);
        } else if (roll < 81 && myImages.size() < 2) {
            Img i = new Img("ci" + client + "-" + named.incrementAndGet() + ":i", "import", user);
            images.add(i);
            call(client, "import", null, null, i, 0, "import", daemon.root.resolve("busybox.tar").toString(), i.ref);
        } else if (roll < 84 && !myImages.isEmpty() && myImages.size() < 3) {
            Img from = any(myImages, r);
            Img i = new Img("ci" + client + "-" + named.incrementAndGet() + ":t", "tag", user);
            i.id = from.id;
            images.add(i);
            call(client, "tag", null, null, i, 0, "tag", from.ref, i.ref);
        } else if (roll < 90 && !myImages.isEmpty()) {
            Img i = any(myImages, r);
            call(client, "rmi", null, null, i, 0, "rmi", i.ref);
        } else if (roll < 94 && !myVolumes.isEmpty()) {
            Vol v = any(myVolumes, r);
            call(client, "volume rm", null, v, null, 0, "volume", "rm", v.name);
        } else {
            Vol v = new Vol("cv" + client + "-" + named.incrementAndGet(), user);
            volumes.add(v);
            call(client, "volume", null, v, null, 0, "volume", "create", v.name);
        }
    }

    /**
     * A request on another remapped user's container (one they have, by its full id): it must be
     * refused as for a container that does not exist, and the refusal be on the record.
     */
    private void deny(int client, String user, Random r) {
        List<Box> others = boxes.stream().filter(b -> b.owner != null && !b.owner.equals(user) && b.id != null
                && !b.oneShot && b.expect != Expect.REMOVED).toList();
        if (others.isEmpty()) {
            return;
        }
        Box b = any(others, r);
        String[][] tries = {{"exec", b.id, "true"}, {"stop", "-t", "1", b.id}, {"rm", "-f", b.id}, {"pause", b.id}};
        String[] args = tries[r.nextInt(tries.length)];
        inFlight.put(client, "deny " + args[0]);
        Daemon.Result answer = docker(client, args);
        long ended = System.nanoTime();
        inFlight.remove(client);
        // docker rm -f exits 0 on a container that does not exist, saying so
        if (answer.err().contains("No such container: " + b.id)) {
            acknowledged.incrementAndGet();
            denialsAcked.add(new Denial(user, args[0], b.id, java.time.Instant.now()));
        } else if (answer.code() == 0 || killedAt == 0 || ended < killedAt) {
            problems.add(user + "'s docker " + String.join(" ", args) + " on " + b.owner + "'s " + b.name
                    + " was not refused as a container that does not exist (" + answer.code() + "): "
                    + answer.out().strip() + " " + answer.err().strip());
        }
    }

    private void call(int client, String op, Box box, Vol vol, Img img, int success, String... args) {
        inFlight.put(client, op.startsWith("rename") || op.startsWith("cp") ? op.split(" ")[0] : op);
        Daemon.Result r = docker(client, args);
        long ended = System.nanoTime();
        inFlight.remove(client);
        if (r.code() == success) {
            acknowledged.incrementAndGet();
            acked(op, box, vol, img, r.out().strip());
        } else if (op.equals("rmi") && r.err().contains("conflict: unable to")) {
            // a container of theirs runs the image: refused, and nothing changed
            return;
        } else if (killedAt != 0 && ended >= killedAt) {
            String verb = op.split(" ")[0];
            if (box != null) {
                box.uncertain.add(verb);
                if (verb.equals("rename")) {
                    box.nameCertain = false;
                }
            }
            unknownNow(box, vol, img);
        } else {
            unknownNow(box, vol, img);
            problems.add("docker " + String.join(" ", args) + " failed while tallyd ran (" + r.code() + "): "
                    + r.err().strip());
        }
    }

    /** After a failed call: what it touched is in no particular state until looked at again. */
    private void unknownNow(Box box, Vol vol, Img img) {
        if (box != null) {
            box.expect = Expect.UNKNOWN;
            if (box.oneShot) {
                box.id = cidOf(box);
            }
        }
        if (vol != null) {
            vol.uncertain = true;
        }
        if (img != null) {
            img.uncertain = true;
        }
    }

    /** The id a {@code run --cidfile} wrote, or null when it wrote none. */
    private String cidOf(Box b) {
        try {
            String id = Files.readString(daemon.root.resolve((b.owner == null ? "cids/" : "cids-" + b.owner + "/") + b.name)).strip();
            return id.isEmpty() ? null : id;
        } catch (IOException none) {
            return null;
        }
    }

    private void acked(String op, Box box, Vol vol, Img img, String out) {
        if (op.equals("run --rm")) {
            box.id = cidOf(box);
            box.runAcked = true;
            box.expect = Expect.REMOVED;
            return;
        }
        String[] words = op.split(" ");
        switch (words[0]) {
            case "run" -> {
                box.id = out;
                box.runAcked = true;
                box.expect = Expect.RUNNING;
            }
            case "exec" -> box.execsAcked.incrementAndGet();
            case "stop", "kill" -> {
                box.stopsAcked.incrementAndGet();
                box.expect = Expect.STOPPED;
            }
            case "restart" -> {
                box.restartsAcked.incrementAndGet();
                box.expect = Expect.RUNNING;
            }
            case "pause" -> {
                box.pausesAcked.incrementAndGet();
                box.expect = Expect.PAUSED;
            }
            case "unpause" -> {
                box.unpausesAcked.incrementAndGet();
                box.expect = Expect.RUNNING;
            }
            case "rename" -> {
                box.renamesAcked.incrementAndGet();
                box.name = words[1];
                box.nameCertain = true;
            }
            case "cp" -> box.copied.put("/" + words[1], words[1] + " " + marker);
            case "rm" -> {
                box.removeAcked = true;
                box.expect = Expect.REMOVED;
            }
            case "commit", "import" -> {
                img.id = out;
                img.acked = true;
            }
            case "tag" -> img.acked = true;
            case "rmi" -> img.removeAcked = true;
            case "volume" -> {
                if (words.length > 1) {
                    vol.removeAcked = true;
                } else {
                    vol.acked = true;
                }
            }
            default -> throw new IllegalStateException(op);
        }
    }

    /**
     * After a restart and its checks: what the daemon now says of each uncertain container, volume and
     * image becomes what is expected of it (running, paused, stopped, or gone), so the load goes on
     * with certain expectations.
     */
    void resync(Map<String, String[]> psByName, Map<String, String[]> psById, java.util.Set<String> volumeNames,
            java.util.function.Function<String, String> imageIdOf) {
        for (Box b : boxes) {
            if (b.expect != Expect.UNKNOWN && b.nameCertain) {
                continue;
            }
            String[] row = b.id != null ? psById.get(b.id) : psByName.get(b.name);
            if (row == null) {
                b.expect = Expect.REMOVED;
            } else {
                b.id = row[0];
                b.name = row[1];
                b.nameCertain = true;
                b.expect = switch (row[2]) {
                    case "running" -> Expect.RUNNING;
                    case "paused" -> Expect.PAUSED;
                    default -> Expect.STOPPED;
                };
            }
        }
        for (Vol v : volumes) {
            if (v.uncertain) {
                v.uncertain = false;
                v.resynced = true;
                v.acked = volumeNames.contains(v.name);
                v.removeAcked = false;
            }
        }
        for (Img i : images) {
            if (i.uncertain) {
                i.uncertain = false;
                i.id = imageIdOf.apply(i.ref);
                i.resynced = true;
                i.acked = i.id != null;
                i.removeAcked = false;
            }
        }
    }
}
