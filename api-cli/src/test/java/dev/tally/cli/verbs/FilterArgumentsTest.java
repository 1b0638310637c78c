package dev.tally.cli.verbs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.tally.cli.CliException;
import java.util.List;
import org.junit.jupiter.api.Test;

class FilterArgumentsTest {

    @Test
    void filtersBecomeDockersFilterJson() {
        assertEquals("{\"status\":{\"exited\":true,\"created\":true}}",
                FilterArguments.toJson(List.of("status=exited", "status=created")));
        assertNull(FilterArguments.toJson(List.of()));
        assertThrows(CliException.class, () -> FilterArguments.toJson(List.of("noequals")));
    }
}
