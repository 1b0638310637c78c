package dev.tally.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.tally.cli.http.DaemonErrorException;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class ExitCodeMapperTest {

    private final ByteArrayOutputStream err = new ByteArrayOutputStream();
    private final ExitCodeMapper mapper = new ExitCodeMapper(new PrintStream(err, true, StandardCharsets.UTF_8), false);

    private String said() {
        return err.toString(StandardCharsets.UTF_8);
    }

    /** A bare 125 told nothing: every failure says something on stderr. */
    @Test
    void aFailureWithoutAMessageStillSaysThatItFailed() {
        assertEquals(125, mapper.report("run", new CliException("", 125)));
        assertEquals("tally: run: failed without a message\n", said());
    }

    @Test
    void theMessageIsPrintedAsOneLine() {
        assertEquals(125, mapper.report("run", new DaemonErrorException(500, "runc start abc failed: exit 1 without a message")));
        assertEquals("tally: run: runc start abc failed: exit 1 without a message\n", said());
    }

    @Test
    void anUnexpectedFailureIsNamedByItsKind() {
        assertEquals(1, mapper.report("ps", new IllegalStateException()));
        assertEquals("tally: ps: IllegalStateException\n", said());
    }
}
