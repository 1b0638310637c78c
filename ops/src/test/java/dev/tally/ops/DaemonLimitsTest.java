package dev.tally.ops;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class DaemonLimitsTest {

    @Test
    void withoutFlagsTheLimitsAreTheDefaults() {
        assertEquals(DaemonLimits.DEFAULTS, DaemonOptions.parse(new String[0], Map.of(), "/root").limits());
    }

    @Test
    void eachLimitFlagSetsItsValueAndLeavesTheOthers() {
        DaemonLimits l = DaemonOptions.parse(new String[] {"--limit", "idle-timeout=2s", "--limit=connections-per-user=8",
                "--limit", "body-size=1m", "--limit", "exec-keep-finished=10m", "--limit", "followers-per-user=3"},
                Map.of(), "/root").limits();
        assertEquals(Duration.ofSeconds(2), l.connections().idle());
        assertEquals(8, l.connections().perUser());
        assertEquals(DaemonLimits.DEFAULTS.connections().usersTotal(), l.connections().usersTotal());
        assertEquals(1L << 20, l.requests().bodyBytes());
        assertEquals(Duration.ofMinutes(10), l.execs().keepFinished());
        assertEquals(3, l.streams().followersPerUser());
        assertEquals(DaemonLimits.DEFAULTS.streams().eventsPerUser(), l.streams().eventsPerUser());
    }

    @Test
    void everyNameIsKnown() {
        for (String name : DaemonLimits.NAMES) {
            String value = name.contains("keep") || name.contains("timeout") ? "5m" : name.contains("size")
                    || name.contains("free") ? "4m" : "7";
            DaemonLimits.parse(List.of(name + "=" + value));
        }
    }

    @Test
    void anUnknownNameOrABadValueIsRefusedNamingIt() {
        String unknown = assertThrows(IllegalArgumentException.class, () -> DaemonLimits.parse(List.of("threads=4")))
                .getMessage();
        assertTrue(unknown.contains("threads=4") && unknown.contains("idle-timeout"), unknown);
        String bad = assertThrows(IllegalArgumentException.class, () -> DaemonLimits.parse(List.of("execs-per-user=0")))
                .getMessage();
        assertTrue(bad.contains("execs-per-user=0"), bad);
        assertThrows(IllegalArgumentException.class, () -> DaemonLimits.parse(List.of("body-size=lots")));
        assertThrows(IllegalArgumentException.class, () -> DaemonLimits.parse(List.of("idle-timeout")));
        assertThrows(IllegalArgumentException.class, () -> DaemonLimits.parse(List.of("upload-size=99999999999g")));
    }
}
