package dev.tally.rest.body;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tally.domain.DomainException;
import dev.tally.domain.container.ContainerOption;
import dev.tally.domain.container.LimitsChange;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The update bodies clients send: every field at zero but those asked for, as the docker CLI and docker-java send them. */
class ContainerUpdateBodyTest {

    /** {@code docker update -m 64m --pids-limit 40 web}, as the docker CLI 28 sends it (Resources at zero, nulls for nil). */
    private static final String CLI = """
            {"BlkioWeight":0,"BlkioWeightDevice":null,"BlkioDeviceReadBps":null,"BlkioDeviceWriteBps":null,
             "BlkioDeviceReadIOps":null,"BlkioDeviceWriteIOps":null,"CgroupParent":"","CpuPeriod":0,"CpuQuota":0,
             "CpuRealtimePeriod":0,"CpuRealtimeRuntime":0,"CpuShares":0,"CpusetCpus":"","CpusetMems":"","Devices":null,
             "DeviceCgroupRules":null,"DeviceRequests":null,"KernelMemory":0,"KernelMemoryTCP":0,"Memory":67108864,
             "MemoryReservation":0,"MemorySwap":0,"MemorySwappiness":null,"NanoCpus":0,"OomKillDisable":null,
             "PidsLimit":40,"Ulimits":null,"CpuCount":0,"CpuPercent":0,"IOMaximumIOps":0,"IOMaximumBandwidth":0,
             "RestartPolicy":{"Name":"","MaximumRetryCount":0}}""";

    private static ContainerUpdateBody read(String json) {
        return Bodies.read(json.getBytes(StandardCharsets.UTF_8), ContainerUpdateBody.class);
    }

    @Test
    void theCliChangesOnlyWhatItAsksFor() {
        ContainerUpdateBody body = read(CLI);
        assertEquals(new LimitsChange(64L << 20, null, null, null, 40L, null, null), body.change());
        assertEquals(List.of(), body.askedOptions());
    }

    @Test
    void explicitNullsAsDockerJavaSendsThemChangeNothing() {
        ContainerUpdateBody body = read("{\"Memory\":null,\"CpuShares\":null,\"PidsLimit\":null,\"BlkioWeight\":null,"
                + "\"RestartPolicy\":null}");
        assertEquals(new LimitsChange(null, null, null, null, null, null, null), body.change());
        assertEquals(List.of(), body.askedOptions());
    }

    @Test
    void aCpuQuotaIsHeldAsACpuLimitPerDockersPeriod() {
        assertEquals(50_000_000_0L, read("{\"CpuQuota\":50000}").change().nanoCpus());
        assertEquals(50_000_000_0L, read("{\"CpuQuota\":50000,\"CpuPeriod\":100000}").change().nanoCpus());
        assertEquals(0L, read("{\"CpuQuota\":-1}").change().nanoCpus(), "-1 lifts the limit");
        assertThrows(DomainException.class, () -> read("{\"CpuQuota\":50000,\"CpuPeriod\":50000}").change());
        assertThrows(DomainException.class, () -> read("{\"NanoCpus\":500000000,\"CpuQuota\":50000}").change());
    }

    @Test
    void aNegativePidsLimitLiftsIt() {
        assertEquals(0L, read("{\"PidsLimit\":-1}").change().pidsLimit());
    }

    @Test
    void whatTallyDoesNotUpdateIsAskedForByItsField() {
        ContainerUpdateBody body = read("{\"BlkioWeight\":300,\"RestartPolicy\":{\"Name\":\"always\"}}");
        List<dev.tally.domain.container.AskedOption> asked = body.askedOptions();
        assertEquals(2, asked.size());
        assertTrue(asked.stream().anyMatch(a -> a.option() == ContainerOption.OTHER && a.value().equals("BlkioWeight")));
        assertTrue(asked.stream().anyMatch(a -> a.option() == ContainerOption.RESTART_POLICY_OTHER));
    }

    @Test
    void badValuesAreInvalid() {
        for (String bad : List.of("{\"Memory\":-5}", "{\"CpusetCpus\":\"a-b\"}", "{\"MemorySwap\":-2}", "{\"Memory\":\"64m\"}")) {
            DomainException e = assertThrows(DomainException.class, () -> read(bad).change(), bad);
            assertEquals(DomainException.Kind.INVALID, e.kind(), bad);
        }
    }
}
