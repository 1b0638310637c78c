package dev.tally.domain.container;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** docs/security.md's option table is the one {@link ContainerOption} holds, row for row. */
class OptionTableTest {

    @Test
    void theDocumentedTableIsTheOneTheCodeDecidesBy() throws IOException {
        String doc = Files.readString(Path.of("../docs/security.md"));
        String table = ContainerOption.markdownTable();
        assertTrue(doc.contains(table), "docs/security.md must hold, under \"Container options\", exactly:\n" + table);
    }
}
