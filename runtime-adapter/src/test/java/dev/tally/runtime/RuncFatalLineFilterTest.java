package dev.tally.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;

class RuncFatalLineFilterTest {

    private static final String RUNC_LINE = "exec failed: unable to start container process: exec: \"nope\": "
            + "executable file not found in $PATH";

    private static String filtered(String stderr, Predicate<String> isRuncFailure, int chunk) throws IOException {
        List<String> asked = new ArrayList<>();
        InputStream in = new RuncFatalLineFilter(new ByteArrayInputStream(stderr.getBytes(StandardCharsets.UTF_8)),
                line -> {
                    asked.add(line);
                    return isRuncFailure.test(line);
                });
        StringBuilder out = new StringBuilder();
        byte[] buffer = new byte[chunk];
        int n;
        while ((n = in.read(buffer, 0, chunk)) >= 0) {
            out.append(new String(buffer, 0, n, StandardCharsets.UTF_8));
        }
        return out.toString();
    }

    @Test
    void runcsLastLineForACommandItCouldNotStartIsLeftOut() throws IOException {
        assertEquals("", filtered(RUNC_LINE + "\n", RUNC_LINE::equals, 8192));
        assertEquals("", filtered(RUNC_LINE + "\n", RUNC_LINE::equals, 1));
    }

    @Test
    void theSameLineFromACommandThatRanIsKept() throws IOException {
        assertEquals(RUNC_LINE + "\n", filtered(RUNC_LINE + "\n", line -> false, 8192));
    }

    @Test
    void aMatchingLineFollowedByMoreOutputWasTheCommandsAndIsKept() throws IOException {
        String stderr = RUNC_LINE + "\nmore\n";
        assertEquals(stderr, filtered(stderr, RUNC_LINE::equals, 8192));
        assertEquals(stderr, filtered(stderr, RUNC_LINE::equals, 3));
    }

    @Test
    void otherOutputPassesUnchangedWhateverTheChunks() throws IOException {
        String stderr = "err\nexec\nexe\nexec failed\nexec failed: \nx exec failed: y\neeee\n" + "e";
        for (int chunk : new int[] {1, 2, 5, 8192}) {
            assertEquals(stderr, filtered(stderr, line -> true, chunk), "chunks of " + chunk);
        }
    }

    @Test
    void onlyTheLastLineIsEverLeftOut() throws IOException {
        String stderr = "before\n" + RUNC_LINE + "\n";
        assertEquals("before\n", filtered(stderr, RUNC_LINE::equals, 4));
    }
}
