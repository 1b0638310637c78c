package dev.tally.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.fasterxml.jackson.jr.ob.JSON;
import java.io.IOException;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class JsonBodyTest {

    @Test
    void writesCompactJsonWithNullsInOrder() {
        Map<String, Object> host = new LinkedHashMap<>();
        host.put("Binds", null);
        host.put("Memory", 67108864L);
        host.put("ConsoleSize", List.of(24, 80));
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("Image", "busybox");
        body.put("Cmd", Arrays.asList("sh", "-c", "echo hi"));
        body.put("Tty", false);
        body.put("Labels", Map.of());
        body.put("HostConfig", host);

        assertEquals("{\"Image\":\"busybox\",\"Cmd\":[\"sh\",\"-c\",\"echo hi\"],\"Tty\":false,\"Labels\":{},"
                + "\"HostConfig\":{\"Binds\":null,\"Memory\":67108864,\"ConsoleSize\":[24,80]}}", JsonBody.of(body));
    }

    @Test
    void readsBackAsWhatWasWrittenWhateverTheCharacters() throws IOException {
        String tricky = "quote \" backslash \\ slash / tab \t newline \n bell \u0007 nul \u0000 é ü 日本 \uD83D\uDE00";
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("Env", List.of("A=" + tricky, tricky));
        body.put("Cpus", 0.5);
        body.put(tricky, true);
        body.put("List", Arrays.asList(1, null, List.of(), Map.of("k", "v")));

        Map<String, Object> parsed = JSON.std.mapFrom(JsonBody.of(body));

        assertEquals(List.of("A=" + tricky, tricky), parsed.get("Env"));
        assertEquals(0.5, ((Number) parsed.get("Cpus")).doubleValue());
        assertEquals(true, parsed.get(tricky));
        assertEquals(Arrays.asList(1, null, List.of(), Map.of("k", "v")), parsed.get("List"));
    }

    @Test
    void refusesWhatJsonCannotHold() {
        assertThrows(IllegalArgumentException.class, () -> JsonBody.of(Map.of("x", Double.NaN)));
        assertThrows(IllegalArgumentException.class, () -> JsonBody.of(Map.of(1, "key is no string")));
        assertThrows(IllegalArgumentException.class, () -> JsonBody.of(Map.of("x", new Object())));
    }
}
