package dev.tally.ops;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * {@code docker network …} against tallyd (issue 14): the networks that exist (host and none) in
 * Docker's shapes, with the running containers in each; Docker's 404 for any other, bridge included;
 * a clean refusal for what tally does not do yet.
 */
class NetworksIT {

    @BusyboxDaemon
    private static Daemon daemon;

    @Test
    void lsListsHostAndNone() {
        Daemon.Result r = daemon.docker("network", "ls", "--format", "{{.Name}} {{.Driver}} {{.Scope}}");
        assertEquals(0, r.code(), r.err());
        assertEquals(List.of("host host local", "none null local"), r.out().lines().toList());
        Daemon.Result filtered = daemon.docker("network", "ls", "-q", "--filter", "driver=host", "--no-trunc");
        assertEquals(0, filtered.code(), filtered.err());
        assertEquals(1, filtered.out().lines().count(), filtered.out());
        assertTrue(filtered.out().strip().matches("[0-9a-f]{64}"), filtered.out());
    }

    @Test
    void inspectByNameOrIdShowsTheRunningContainersInIt() {
        Daemon.Result run = daemon.docker("run", "-d", "--name", "net-host", "--network", "host", "busybox", "sleep", "60");
        assertEquals(0, run.code(), run.err());
        String id = run.out().strip();
        Daemon.Result host = daemon.docker("network", "inspect", "host", "--format",
                "{{.Name}} {{.Driver}} {{range $id, $c := .Containers}}{{$id}} {{$c.Name}}{{end}}");
        assertEquals(0, host.code(), host.err());
        assertEquals("host host " + id + " net-host", host.out().strip());
        String hostId = daemon.docker("network", "inspect", "host", "--format", "{{.Id}}").out().strip();
        Daemon.Result byId = daemon.docker("network", "inspect", hostId.substring(0, 12), "--format", "{{.Name}}");
        assertEquals("host", byId.out().strip(), byId.err());
        Daemon.Result none = daemon.docker("network", "inspect", "none", "--format", "{{len .Containers}}");
        assertEquals("0", none.out().strip(), none.err());
        assertEquals(0, daemon.docker("rm", "-f", "net-host").code());
    }

    @Test
    void bridgeAndOtherNetworksAreNotFound() {
        for (String name : List.of("bridge", "backend")) {
            Daemon.Result r = daemon.docker("network", "inspect", name);
            assertNotEquals(0, r.code());
            // the docker CLI 28 quotes the daemon's 404; 20.10 says it in its own words
            assertTrue(r.err().contains("network " + name + " not found")
                    || r.err().contains("No such network: " + name), r.err());
        }
    }

    @Test
    void whatTallyDoesNotDoYetIsRefusedCleanly() throws Exception {
        Daemon.Result create = daemon.docker("network", "create", "backend");
        assertNotEquals(0, create.code());
        assertTrue(create.err().contains("not supported"), create.err());
        Daemon.Result rm = daemon.docker("network", "rm", "host");
        assertNotEquals(0, rm.code());
        assertTrue(rm.err().contains("pre-defined network"), rm.err());
        Daemon.Result connect = daemon.docker("network", "connect", "none", "nobody");
        assertNotEquals(0, connect.code());
        assertTrue(connect.err().contains("not supported"), connect.err());
        Daemon.Result prune = daemon.docker("network", "prune", "-f");
        assertEquals(0, prune.code(), prune.err());
        assertTrue(!daemon.log().contains("internal error"), "no 500");
    }
}
