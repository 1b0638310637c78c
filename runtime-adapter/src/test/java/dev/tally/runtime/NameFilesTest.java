package dev.tally.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tally.domain.DomainException;
import dev.tally.domain.container.ContainerConfig;
import java.util.List;
import org.junit.jupiter.api.Test;

class NameFilesTest {

    private static final List<String> HOST = List.of("# from the host", "nameserver 10.0.0.53", "nameserver 10.0.0.54",
            "search corp.example", "options edns0");

    private static ContainerConfig.Setup names(List<String> dns, List<String> search, List<String> options, List<String> hosts) {
        return new ContainerConfig.Setup(List.of(), false, 0, "", dns, search, options, hosts);
    }

    @Test
    void whatIsAskedReplacesTheHostsAndTheRestIsTheHosts() {
        assertEquals("nameserver 9.9.9.9\nsearch corp.example\noptions edns0\n",
                NameFiles.resolvConf(names(List.of("9.9.9.9"), List.of(), List.of(), List.of()), HOST));
        assertEquals("nameserver 10.0.0.53\nnameserver 10.0.0.54\nsearch a.example b.example\noptions ndots:2\n",
                NameFiles.resolvConf(names(List.of(), List.of("a.example", "b.example"), List.of("ndots:2"), List.of()), HOST));
    }

    @Test
    void aSearchOfDotMeansNoSearchDomains() {
        assertEquals("nameserver 10.0.0.53\nnameserver 10.0.0.54\noptions edns0\n",
                NameFiles.resolvConf(names(List.of(), List.of("."), List.of(), List.of()), HOST));
    }

    @Test
    void extraHostsFollowLocalhostAsAddressThenName() {
        String hosts = NameFiles.hosts(List.of("db:10.1.2.3", "v6:fd00::1"));
        assertTrue(hosts.startsWith("127.0.0.1\tlocalhost\n"), hosts);
        assertTrue(hosts.endsWith("10.1.2.3\tdb\nfd00::1\tv6\n"), hosts);
    }

    @Test
    void cpuListsReadAsSetsAndNumbersBeyondAnyHostAreInvalid() {
        assertEquals("{0, 1, 2, 5}", CpuSets.parse("0-2,5").toString());
        for (String bad : new String[] {"99999999999", "3-1", "0-99999"}) {
            assertEquals(DomainException.Kind.INVALID, assertThrows(DomainException.class, () -> CpuSets.parse(bad)).kind(), bad);
        }
    }
}
