package dev.tally.ops;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The crash series' load: several clients at once, each a loop of docker CLI calls on its own
 * containers and volumes (run -d, stop, rm -f, exec, volume create), and the record of what each
 * call was answered. A call answered with success is acknowledged: the daemon promised it. A call
 * that failed once the daemon was killed is uncertain: it may or may not have happened, so the
 * object it touched is expected in no particular state until it is looked at again
 * ({@link #resync}). A call that failed while the daemon was up is a problem.
 */
final class CrashWorkload {

    enum Expect { RUNNING, STOPPED, REMOVED, UNKNOWN }

    /** A container of the workload, by the name it was asked for. */
    static final class Box {
        final String name;
        volatile String id;
        volatile Expect expect = Expect.UNKNOWN;
        volatile boolean runAcked;
        volatile boolean removeAcked;
        final AtomicInteger stopsAcked = new AtomicInteger();
        final AtomicInteger execsAcked = new AtomicInteger();
        final AtomicInteger execsTried = new AtomicInteger();
        /** The calls on this container that a kill cut short (each may or may not have happened). */
        final List<String> uncertain = new CopyOnWriteArrayList<>();

        Box(String name) {
            this.name = name;
        }
    }

    /** A named volume of the workload. */
    static final class Vol {
        final String name;
        volatile boolean acked;

        Vol(String name) {
            this.name = name;
        }
    }

    private final Daemon daemon;
    private final int clients;
    private final long marker;
    private final Random random;
    final List<Box> boxes = new CopyOnWriteArrayList<>();
    final List<Vol> volumes = new CopyOnWriteArrayList<>();
    /** What each client is waiting for an answer to, now. */
    private final Map<Integer, String> inFlight = new ConcurrentHashMap<>();
    private final List<String> problems = new CopyOnWriteArrayList<>();
    private final AtomicInteger acknowledged = new AtomicInteger();
    private final AtomicInteger named = new AtomicInteger();
    private volatile long killedAt;
    private volatile boolean stopping;

    /**
     * @param marker the containers run {@code sleep MARKER}, so that their processes can be told from
     *               any other on the host
     */
    CrashWorkload(Daemon daemon, int clients, long marker, Random random) {
        this.daemon = daemon;
        this.clients = clients;
        this.marker = marker;
        this.random = random;
    }

    /** The clients, started; each runs until {@link #killed} is called. */
    List<Future<?>> start(ExecutorService pool) {
        killedAt = 0;
        stopping = false;
        List<Future<?>> running = new ArrayList<>();
        for (int c = 0; c < clients; c++) {
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

    private void step(int client, Random r) {
        List<Box> mine = boxes.stream().filter(b -> b.name.startsWith("cs" + client + "-")).toList();
        List<Box> running = mine.stream().filter(b -> b.expect == Expect.RUNNING).toList();
        List<Box> present = mine.stream().filter(b -> b.expect == Expect.RUNNING || b.expect == Expect.STOPPED).toList();
        int roll = r.nextInt(100);
        if (roll < 30 && running.size() < 3 || running.isEmpty() && roll < 70) {
            Box b = new Box("cs" + client + "-" + named.incrementAndGet());
            boxes.add(b);
            call(client, "run", b, null, "run", "-d", "--name", b.name, "busybox", "sleep", Long.toString(marker));
        } else if (roll < 55 && !running.isEmpty()) {
            Box b = running.get(r.nextInt(running.size()));
            b.execsTried.incrementAndGet();
            call(client, "exec", b, null, "exec", b.id, "true");
        } else if (roll < 70 && !running.isEmpty()) {
            Box b = running.get(r.nextInt(running.size()));
            call(client, "stop", b, null, "stop", "-t", "1", b.id);
        } else if (roll < 85 && !present.isEmpty()) {
            Box b = present.get(r.nextInt(present.size()));
            call(client, "rm", b, null, "rm", "-f", b.id);
        } else {
            Vol v = new Vol("cv" + client + "-" + named.incrementAndGet());
            volumes.add(v);
            call(client, "volume", null, v, "volume", "create", v.name);
        }
    }

    private void call(int client, String op, Box box, Vol vol, String... args) {
        inFlight.put(client, op);
        Daemon.Result r = daemon.docker(args);
        long ended = System.nanoTime();
        inFlight.remove(client);
        if (r.code() == 0) {
            acknowledged.incrementAndGet();
            acked(op, box, vol, r.out().strip());
        } else if (killedAt != 0 && ended >= killedAt) {
            if (box != null) {
                box.expect = Expect.UNKNOWN;
                box.uncertain.add(op);
            }
        } else {
            if (box != null) {
                box.expect = Expect.UNKNOWN;
            }
            problems.add("docker " + String.join(" ", args) + " failed while tallyd ran: " + r.err().strip());
        }
    }

    private static void acked(String op, Box box, Vol vol, String out) {
        switch (op) {
            case "run" -> {
                box.id = out;
                box.runAcked = true;
                box.expect = Expect.RUNNING;
            }
            case "exec" -> box.execsAcked.incrementAndGet();
            case "stop" -> {
                box.stopsAcked.incrementAndGet();
                box.expect = Expect.STOPPED;
            }
            case "rm" -> {
                box.removeAcked = true;
                box.expect = Expect.REMOVED;
            }
            default -> vol.acked = true;
        }
    }

    /**
     * After a restart and its checks: what the daemon now says of each uncertain container becomes
     * what is expected of it (running, stopped, or gone when it has no such name), so the load goes
     * on with certain expectations.
     */
    void resync(Map<String, String[]> psByName) {
        for (Box b : boxes) {
            if (b.expect != Expect.UNKNOWN) {
                continue;
            }
            String[] row = psByName.get(b.name);
            if (row == null) {
                b.expect = Expect.REMOVED;
            } else {
                b.id = row[0];
                b.expect = row[2].equals("running") ? Expect.RUNNING : Expect.STOPPED;
            }
        }
    }
}
