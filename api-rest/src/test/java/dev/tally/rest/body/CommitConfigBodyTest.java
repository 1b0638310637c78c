package dev.tally.rest.body;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tally.domain.DomainException;
import dev.tally.domain.image.ImageCommits;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class CommitConfigBodyTest {

    private static ImageCommits.Changes read(String json) {
        return Bodies.read(json.getBytes(StandardCharsets.UTF_8), CommitConfigBody.class).changes();
    }

    @Test
    void theFieldsAnImageConfigHoldsAreRead() {
        ImageCommits.Changes c = read("{\"Cmd\":[\"cat\",\"/x\"],\"Entrypoint\":null,\"Env\":[\"A=1\"],"
                + "\"Labels\":{\"team\":\"infra\"},\"User\":\"1000\",\"WorkingDir\":\"/srv\",\"ExposedPorts\":{\"80/tcp\":{},"
                + "\"53/udp\":{}},\"Volumes\":{\"/data\":{}},\"StopSignal\":\"SIGINT\"}");
        assertEquals(List.of("cat", "/x"), c.cmd());
        assertEquals(List.of(), c.entrypoint());
        assertEquals(List.of("A=1"), c.env());
        assertEquals(Map.of("team", "infra"), c.labels());
        assertEquals(List.of("1000", "/srv", "SIGINT"), List.of(c.user(), c.workingDir(), c.stopSignal()));
        assertEquals(List.of("53/udp", "80/tcp"), c.exposedPorts().stream().sorted().toList());
        assertEquals(List.of("/data"), c.volumes());
    }

    @Test
    void noBodyANullBodyAndAContainersRunOnlyFieldsChangeNothing() {
        assertEquals(ImageCommits.Changes.NONE, read(""));
        assertEquals(ImageCommits.Changes.NONE, read("null"));
        assertEquals(ImageCommits.Changes.NONE, read("{\"Hostname\":\"abc\",\"Tty\":true,\"Image\":\"busybox\","
                + "\"AttachStdout\":true,\"Healthcheck\":null,\"OnBuild\":[],\"Shell\":null}"));
    }

    @Test
    void aFieldTallyDoesNotApplyIsRefusedByName() {
        for (String field : List.of("\"Healthcheck\":{\"Test\":[\"CMD\",\"true\"]}", "\"OnBuild\":[\"RUN x\"]",
                "\"Shell\":[\"/bin/bash\",\"-c\"]", "\"Invented\":1")) {
            DomainException e = assertThrows(DomainException.class, () -> read("{" + field + "}"));
            assertEquals(DomainException.Kind.INVALID, e.kind());
            String name = field.substring(1, field.indexOf('"', 1));
            assertTrue(e.getMessage().contains(name), e.getMessage());
        }
        for (String bad : List.of("{\"Env\":[\"NOVALUE\"]}", "{\"ExposedPorts\":{\"http\":{}}}", "{\"Volumes\":{\"x\":{}}}",
                "{\"StopSignal\":\"not one\"}", "{\"Cmd\":\"a string\"}")) {
            assertEquals(DomainException.Kind.INVALID, assertThrows(DomainException.class, () -> read(bad)).kind(), bad);
        }
    }
}
