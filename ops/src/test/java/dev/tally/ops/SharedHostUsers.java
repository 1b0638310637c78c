package dev.tally.ops;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * alice and bob (group tally) and carol (also tally-admin) on this host, and the docker and tally
 * CLIs run as each of them against one daemon's socket, which tells the daemon who they are.
 */
final class SharedHostUsers {

    private final Daemon daemon;
    private final String cliClassPath;

    /** For {@code @BusyboxDaemon(beforeStart = ...)}: the users, and a socket they can reach. */
    static final class Made implements BusyboxDaemon.BeforeStart {
        @Override
        public void prepare(Daemon unstarted) {
            HostUsers.group("tally");
            HostUsers.group("tally-admin");
            HostUsers.user("alice", "tally");
            HostUsers.user("bob", "tally");
            HostUsers.user("carol", "tally,tally-admin");
            // the socket lies below the daemon's temp dir, which the users must be able to traverse
            Daemon.exec(List.of("chmod", "0755", unstarted.root.toString()), Map.of());
        }
    }

    /** Copies the tally CLI where the users can read it. */
    SharedHostUsers(Daemon daemon) throws Exception {
        this.daemon = daemon;
        this.cliClassPath = HostUsers.readableCliClassPath(Files.createDirectories(daemon.root.resolve("cli")));
    }

    Daemon.Result docker(String user, String... args) {
        List<String> cmd = new ArrayList<>(List.of("docker"));
        cmd.addAll(List.of(args));
        return HostUsers.as(user, Map.of("DOCKER_HOST", "unix://" + daemon.socket), cmd);
    }

    Daemon.Result tally(String user, String... args) {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-cp", cliClassPath, "dev.tally.cli.TallyCli",
                "-H", "unix://" + daemon.socket));
        cmd.addAll(List.of(args));
        return HostUsers.as(user, Map.of(), cmd);
    }
}
