package dev.tally.cli.format;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.tally.cli.CliException;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

public class ContainerListingTest {

    static final Instant NOW = Instant.parse("2026-11-23T12:00:00Z");
    static final String WEB_ID = "4f2a9c1b7d3e" + "0".repeat(52);
    static final String JOB_ID = "9e8d7c6b5a41" + "1".repeat(52);

    public static List<Object> sampleContainers() {
        return List.of(
                Map.of("Id", WEB_ID, "Names", List.of("/web"), "Image", "busybox",
                        "Command", "sh -c 'echo hi'", "Created", NOW.getEpochSecond() - 5,
                        "State", "running", "Status", "Up 4 seconds"),
                Map.of("Id", JOB_ID, "Names", List.of("/job"), "Image", "alpine:3.20",
                        "Command", "sh -c 'while true; do sleep 1; done'", "Created", NOW.getEpochSecond() - 7200,
                        "State", "exited", "Status", "Exited (0) About an hour ago"));
    }

    private static ContainerListing listing(boolean noTrunc) {
        return new ContainerListing(noTrunc, Clock.fixed(NOW, ZoneOffset.UTC));
    }

    @Test
    void defaultTableIsAlignedLikeDockers() {
        List<String> lines = listing(false).render(sampleContainers(), null, false);

        assertEquals(List.of(
                "CONTAINER ID   IMAGE         COMMAND                  CREATED         STATUS                         PORTS     NAMES",
                "4f2a9c1b7d3e   busybox       \"sh -c 'echo hi'\"        5 seconds ago   Up 4 seconds                             web",
                "9e8d7c6b5a41   alpine:3.20   \"sh -c 'while true; …\"   2 hours ago     Exited (0) About an hour ago             job"),
                lines);
    }

    @Test
    void noTruncShowsFullIdsAndCommands() {
        List<String> lines = listing(true).render(sampleContainers(), "{{.ID}} {{.Command}}", false);

        assertEquals(List.of(
                WEB_ID + " \"sh -c 'echo hi'\"",
                JOB_ID + " \"sh -c 'while true; do sleep 1; done'\""), lines);
    }

    @Test
    void quietPrintsShortIds() {
        assertEquals(List.of("4f2a9c1b7d3e", "9e8d7c6b5a41"), listing(false).render(sampleContainers(), null, true));
    }

    @Test
    void formatTemplateWithAndWithoutTable() {
        assertEquals(List.of("web busybox running Up 4 seconds", "job alpine:3.20 exited Exited (0) About an hour ago"),
                listing(false).render(sampleContainers(), "{{.Names}} {{ .Image }} {{.State}} {{.Status}}", false));
        assertEquals(List.of("NAMES     STATE", "web       running", "job       exited"),
                listing(false).render(sampleContainers(), "table {{.Names}}\\t{{.State}}", false));
    }

    @Test
    void unknownTemplateFieldsAreAnError() {
        assertThrows(CliException.class, () -> listing(false).render(sampleContainers(), "{{.Nope}}", false));
        CliException e = assertThrows(CliException.class,
                () -> listing(false).render(sampleContainers(), "{{upper .Nope}}", false));
        assertEquals("template parsing error: template: :1:8: executing \"\" at <.Nope>: map has no entry for key \"Nope\"",
                e.getMessage());
        assertEquals(1, e.exitCode());
        assertEquals(64, assertThrows(CliException.class,
                () -> listing(false).render(sampleContainers(), "{{upper .Names", false)).exitCode());
    }

    @Test
    void jsonPrintsEachContainersFieldsAsDockerDoes() {
        List<String> lines = listing(false).render(sampleContainers(), "json", false);
        assertEquals("{\"Command\":\"\\\"sh -c 'echo hi'\\\"\",\"CreatedAt\":\"2026-11-23 11:59:55 +0000 Z\","
                + "\"ID\":\"4f2a9c1b7d3e\",\"Image\":\"busybox\",\"Labels\":\"\",\"Names\":\"web\",\"Ports\":\"\","
                + "\"RunningFor\":\"5 seconds ago\",\"State\":\"running\",\"Status\":\"Up 4 seconds\"}", lines.get(0));
        assertEquals(lines, listing(false).render(sampleContainers(), "{{json .}}", false));
        assertEquals(List.of("NAMES     STATE", "WEB       running", "JOB       exited"),
                listing(false).render(sampleContainers(), "table {{upper .Names}}\\t{{.State}}", false));
    }
}
