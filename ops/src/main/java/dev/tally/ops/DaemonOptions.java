package dev.tally.ops;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** tallyd's flags, named after dockerd's. */
record DaemonOptions(Path dataRoot, Path execRoot, List<String> hosts, String group, String store) {

    static DaemonOptions parse(String[] args) {
        Path dataRoot = Path.of("/var/lib/tally");
        Path execRoot = Path.of("/run/tally");
        List<String> hosts = new ArrayList<>();
        String group = "tally";
        String store = null;
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            String value = a.contains("=") ? a.substring(a.indexOf('=') + 1) : null;
            String flag = a.contains("=") ? a.substring(0, a.indexOf('=')) : a;
            if (!List.of("--data-root", "--exec-root", "-H", "--host", "-G", "--group", "--store").contains(flag)) {
                throw new IllegalArgumentException("unknown flag: " + a
                        + " (flags: --data-root DIR, --exec-root DIR, -H unix://PATH, --group NAME, --store JDBC_URL)");
            }
            if (value == null) {
                if (i + 1 >= args.length) {
                    throw new IllegalArgumentException("flag needs an argument: " + a);
                }
                value = args[++i];
            }
            switch (flag) {
                case "--data-root" -> dataRoot = Path.of(value);
                case "--exec-root" -> execRoot = Path.of(value);
                case "-H", "--host" -> hosts.add(value);
                case "-G", "--group" -> group = value;
                default -> store = value;
            }
        }
        if (hosts.isEmpty()) {
            hosts.add("unix://" + execRoot.resolve("tally.sock"));
        }
        for (String h : hosts) {
            if (!h.startsWith("unix://")) {
                throw new IllegalArgumentException("only unix:// hosts are served for now: " + h);
            }
        }
        // WRITE_DELAY=0: a commit reaches the OS before the command is acknowledged, so a kill -9 of
        // the daemon loses no acknowledged event (H2 buffers commits for 500 ms by default).
        // MAX_LENGTH_INPLACE_LOB=4096: an event's payload (a few hundred bytes of JSON) is kept in its
        // row instead of H2's separate LOB store, which made reading the log for a replay 8x slower.
        if (store == null) {
            store = "jdbc:h2:file:" + dataRoot.resolve("events/tally").toAbsolutePath()
                    + ";DB_CLOSE_ON_EXIT=FALSE;WRITE_DELAY=0;MAX_LENGTH_INPLACE_LOB=4096";
        }
        return new DaemonOptions(dataRoot.toAbsolutePath(), execRoot.toAbsolutePath(), hosts, group, store);
    }
}
