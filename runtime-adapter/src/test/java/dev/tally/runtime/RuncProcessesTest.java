package dev.tally.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.tally.domain.DomainException;
import dev.tally.domain.container.ContainerProcesses;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** dockerd's reading of ps: titles from the header, rows of the container's pids only, the command whole. */
class RuncProcessesTest {

    private static final String PS_EF = """
            UID          PID    PPID  C STIME TTY          TIME CMD
            root           1       0  0 02:00 ?        00:00:01 /sbin/init
            100000     18775   18748  0 02:30 ?        00:00:00 sleep 1000
            100000     18790   18775  0 02:30 ?        00:00:00 sh -c echo a b
            """;

    @Test
    void onlyTheContainersProcessesAreKeptWithTheirCommandLineWhole() {
        ContainerProcesses.ProcessTable t = RuncProcesses.parse(PS_EF, Set.of("18775", "18790"));
        assertEquals(List.of("UID", "PID", "PPID", "C", "STIME", "TTY", "TIME", "CMD"), t.titles());
        assertEquals(2, t.processes().size());
        assertEquals("sh -c echo a b", t.processes().get(1).get(7));
    }

    @Test
    void psArgumentsWithoutAPidColumnAreTheRequestsFault() {
        assertEquals(DomainException.Kind.INVALID, assertThrows(DomainException.class,
                () -> RuncProcesses.parse("COMMAND\nsleep\n", Set.of("1"))).kind());
    }
}
