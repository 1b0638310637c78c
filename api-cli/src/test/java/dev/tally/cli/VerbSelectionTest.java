package dev.tally.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A command line builds only the verb it names; usage and errors without one still know every verb. */
class VerbSelectionTest {

    @TempDir
    Path dir;

    private String absentDaemon() {
        return "unix://" + dir.resolve("absent.sock");
    }

    @Test
    void theVerbIsTheFirstArgumentAfterTheHostOption() {
        assertEquals("version", Verbs.invokedName(new String[] {"version"}));
        assertEquals("ps", Verbs.invokedName(new String[] {"-H", "unix:///x.sock", "ps", "-a"}));
        assertEquals("ps", Verbs.invokedName(new String[] {"--host", "tcp://h:1", "ps"}));
        assertEquals("ps", Verbs.invokedName(new String[] {"--host=tcp://h:1", "ps"}));
        assertEquals("ps", Verbs.invokedName(new String[] {"-Hunix:///x.sock", "ps"}));
        assertEquals("bogus", Verbs.invokedName(new String[] {"bogus", "ps"}));
    }

    @Test
    void thereIsNoVerbWhenAnotherRootOptionComesFirst() {
        assertNull(Verbs.invokedName(new String[] {}));
        assertNull(Verbs.invokedName(new String[] {"--help", "ps"}));
        assertNull(Verbs.invokedName(new String[] {"--", "ps"}));
        assertNull(Verbs.invokedName(new String[] {"-x", "ps"}));
        assertNull(Verbs.invokedName(new String[] {"-H"}));
    }

    @Test
    void usageWithoutAVerbListsEveryVerb() {
        for (String[] args : new String[][] {{}, {"--help"}, {"--help", "version"}}) {
            CliRun result = CliRun.run(absentDaemon(), args);

            assertEquals(0, result.exitCode(), result.stderr());
            assertTrue(result.stdout().startsWith("Usage: tally [--help] [--tlsverify] [-H=URL] [--tlscacert=FILE]\n"),
                    result.stdout());
            for (String verb : Verbs.NAMES) {
                assertTrue(result.stdout().contains("\n  " + verb + " "), verb + " missing from\n" + result.stdout());
            }
        }
    }

    @Test
    void anUnknownVerbIsAnErrorOfTheRootCommand() {
        CliRun result = CliRun.run(absentDaemon(), "bogus");

        assertEquals(1, result.exitCode());
        assertEquals("tally: Unmatched argument at index 0: 'bogus'\nSee 'tally --help'.\n", result.stderr());
    }

    @Test
    void aVerbsUsageShowsItsOwnOptions() {
        CliRun result = CliRun.run(absentDaemon(), "stop", "--help");

        assertEquals(0, result.exitCode(), result.stderr());
        assertEquals("""
                Usage: tally stop [--help] [-s=SIG] [-t=N] CONTAINER...
                Stop one or more running containers
                      CONTAINER...
                      --help                Print usage
                  -s, --signal=SIG          Signal to send to the container
                  -t, --time, --timeout=N   Seconds to wait before killing the container
                """, result.stdout());
    }

    @Test
    void theHostOptionBeforeTheVerbIsUsed() {
        String address = absentDaemon();

        CliRun result = CliRun.run("unix:///not/this.sock", "-H", address, "version");

        assertEquals(1, result.exitCode());
        assertTrue(result.stderr().startsWith("tally: cannot connect to the tally daemon at " + address + ": "),
                result.stderr());
    }

    @Test
    void optionValuesOfTheWrongTypeAreUsageErrors() {
        CliRun result = CliRun.run(absentDaemon(), "stop", "-t", "soon", "web");

        assertEquals(1, result.exitCode());
        assertEquals("tally: stop: Invalid value for option '--timeout': 'soon' is not an int\n"
                + "See 'tally stop --help'.\n", result.stderr());
    }
}
