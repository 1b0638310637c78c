package dev.tally.cli.format;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class JsonIndenterTest {

    @Test
    void indentsWithFourSpacesLikeDockerInspect() throws IOException {
        Map<String, Object> container = new LinkedHashMap<>();
        container.put("Id", "abc");
        container.put("Args", List.of());
        container.put("State", Map.of("Running", true));
        container.put("Cmd", List.of("sh", "-c", "echo \"hi\""));
        container.put("Path", null);
        container.put("ExitCode", 3);
        List<Object> array = new ArrayList<>();
        array.add(container);

        assertEquals(String.join("\n",
                "[",
                "    {",
                "        \"Id\": \"abc\",",
                "        \"Args\": [],",
                "        \"State\": {",
                "            \"Running\": true",
                "        },",
                "        \"Cmd\": [",
                "            \"sh\",",
                "            \"-c\",",
                "            \"echo \\\"hi\\\"\"",
                "        ],",
                "        \"Path\": null,",
                "        \"ExitCode\": 3",
                "    }",
                "]"), JsonIndenter.indent(array));
        assertEquals("[]", JsonIndenter.indent(List.of()));
    }
}
