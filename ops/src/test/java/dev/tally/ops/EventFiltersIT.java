package dev.tally.ops;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * {@code docker events --filter …} as the docker CLI 28 and Debian's 20.10 send it (issue 14): type,
 * event, container, image, label, since and until, read from the log of a real tallyd; an unknown
 * filter is refused before any event.
 */
class EventFiltersIT {

    /** Debian's docker CLI 20.10, where the machine has it unpacked. */
    private static final Path DOCKER_20 = Path.of("/tmp/docker20/x/usr/bin/docker");

    @BusyboxDaemon
    private static Daemon daemon;
    private static String since;
    private static String until;

    @BeforeAll
    static void twoContainersRunAndExit() {
        since = Long.toString(Instant.now().getEpochSecond() - 1);
        for (List<String> run : List.of(
                List.of("run", "--name", "ev-web", "--label", "tier=web", "--label", "team=a", "busybox", "true"),
                List.of("run", "--name", "ev-db", "--label", "tier=db", "busybox", "sh", "-c", "exit 3"))) {
            Daemon.Result r = daemon.docker(run.toArray(new String[0]));
            assertTrue(r.code() == 0 || r.code() == 3, r.err());
        }
        until = Long.toString(Instant.now().getEpochSecond() + 1);
    }

    static Stream<String> clis() {
        return Files.isExecutable(DOCKER_20) ? Stream.of("docker", DOCKER_20.toString()) : Stream.of("docker");
    }

    private static List<String> events(String cli, String... filters) {
        List<String> cmd = new ArrayList<>(List.of(cli, "events", "--since", since, "--until", until,
                "--format", "{{.Type}} {{.Action}} {{.Actor.Attributes.name}}"));
        for (String f : filters) {
            cmd.addAll(List.of("--filter", f));
        }
        Daemon.Result r = Daemon.exec(cmd, Map.of("DOCKER_HOST", "unix://" + daemon.socket));
        assertEquals(0, r.code(), cmd + ": " + r.err());
        return r.out().lines().toList();
    }

    @ParameterizedTest
    @MethodSource("clis")
    void typeEventAndLabelTogetherShowOneStart(String cli) {
        assertEquals(List.of("container start ev-web"),
                events(cli, "type=container", "event=start", "label=tier=web", "label=team"));
    }

    @ParameterizedTest
    @MethodSource("clis")
    void aContainerByNameShowsOnlyItsEvents(String cli) {
        List<String> db = events(cli, "container=ev-db");
        assertTrue(db.containsAll(List.of("container create ev-db", "container start ev-db", "container die ev-db")), db.toString());
        assertTrue(db.stream().allMatch(l -> l.endsWith(" ev-db")), db.toString());
        assertEquals(List.of("container die ev-db"), events(cli, "container=ev-db", "event=die"));
    }

    @ParameterizedTest
    @MethodSource("clis")
    void anImageWithOrWithoutItsTagShowsTheContainersMadeFromIt(String cli) {
        assertEquals(List.of("container create ev-web", "container create ev-db"), events(cli, "image=busybox", "event=create"));
        assertEquals(List.of("container create ev-web", "container create ev-db"),
                events(cli, "image=busybox:latest", "event=create"));
        assertEquals(List.of(), events(cli, "image=alpine", "event=create"));
    }

    @ParameterizedTest
    @MethodSource("clis")
    void untilBeforeTheContainersShowsNothingOfThem(String cli) {
        List<String> cmd = List.of(cli, "events", "--since", "0", "--until", Long.toString(Long.parseLong(since) - 60),
                "--filter", "type=container");
        Daemon.Result r = Daemon.exec(cmd, Map.of("DOCKER_HOST", "unix://" + daemon.socket));
        assertEquals(0, r.code(), r.err());
        assertEquals("", r.out());
    }

    @ParameterizedTest
    @MethodSource("clis")
    void anUnknownFilterIsRefusedNamingIt(String cli) {
        Daemon.Result r = Daemon.exec(List.of(cli, "events", "--since", since, "--until", until, "--filter", "colour=red"),
                Map.of("DOCKER_HOST", "unix://" + daemon.socket));
        assertNotEquals(0, r.code());
        assertTrue(r.err().contains("colour"), r.err());
    }
}
