package dev.tally.domain.container;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class StartFailuresTest {

    @Test
    void theRuntimesMessagesReadAsDockerReadsThem() {
        String notFound = "failed to create the container: runc create failed: unable to start container process: "
                + "exec: \"no-such-cmd\": executable file not found in $PATH";
        assertEquals(127, StartFailures.exitCode(notFound));
        assertEquals(127, StartFailures.exitCode("exec: \"/bin/nope\": stat /bin/nope: no such file or directory"));
        assertEquals(126, StartFailures.exitCode("exec: \"/etc/passwd\": Permission denied"));
        assertEquals(128, StartFailures.exitCode("conmon for c0ffee ended without reporting the container"));
        assertEquals(128, StartFailures.exitCode(null));
        assertTrue(StartFailures.isTheCommand(notFound));
        assertFalse(StartFailures.isTheCommand("cgroup: no space left on device"));
    }
}
